package io.eventbus.transport.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.eventbus.transport.EventBusProperties;

/**
 * The Kafka transport's configuration, read from the {@code eventbus.kafka.*} keys once at start. The bus's own
 * choices (idempotent producer, {@code acks=all}, lz4, manual commits, the cooperative-sticky assignor) are set
 * first; native client properties given as {@code eventbus.kafka.client.<prop>} (admin, producer and consumer),
 * {@code eventbus.kafka.producer.<prop>} or {@code eventbus.kafka.consumer.<prop>} are applied over them, except
 * the few the transport's guarantees depend on ({@link #PINNED_CONSUMER}). {@link #toString()} never shows secrets.
 */
public final class KafkaSettings {

    static final String PREFIX = "eventbus.kafka.";
    static final String CLIENT_PREFIX = PREFIX + "client.";
    static final String PRODUCER_PREFIX = PREFIX + "producer.";
    static final String CONSUMER_PREFIX = PREFIX + "consumer.";

    /**
     * Consumer properties the transport owns: auto-commit would commit ahead of the work, and an automatic offset
     * reset would move a group whose committed offset the broker's retention already deleted past the records it
     * never read without a word (the member reports that skip itself, then goes on from the log start; a new
     * group starts where the endpoint's {@code startFrom} says).
     */
    static final Map<String, String> PINNED_CONSUMER = Map.of(
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

    private final String bootstrapServers;
    private final int partitions;
    private final short replicationFactor;
    private final long requestTimeoutMillis;
    private final long pollTimeoutMillis;
    private final long settleTimeoutMillis;
    private long commitIntervalMillis;
    private final Map<String, String> client = new TreeMap<>();
    private final Map<String, String> producer = new TreeMap<>();
    private final Map<String, String> consumer = new TreeMap<>();

    private KafkaSettings(String bootstrapServers, int partitions, short replicationFactor, long requestTimeoutMillis,
            long pollTimeoutMillis, long settleTimeoutMillis) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.pollTimeoutMillis = pollTimeoutMillis;
        this.settleTimeoutMillis = settleTimeoutMillis;
    }

    /**
     * Reads the settings.
     *
     * @param settings    the typed view of the {@code eventbus.*} keys
     * @param passThrough every key starting with {@code eventbus.kafka.}, for the native client properties
     */
    static KafkaSettings read(EventBusProperties settings, Map<String, String> passThrough) {
        int replication = settings.positiveInt(PREFIX + "replication-factor", 1);
        if (replication > Short.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + "replication-factor: expected at most " + Short.MAX_VALUE
                    + " but was " + replication);
        }
        KafkaSettings s = new KafkaSettings(settings.string(PREFIX + "bootstrap-servers", "127.0.0.1:9092"),
                settings.positiveInt(PREFIX + "partitions", 4), (short) replication,
                settings.positiveInt(PREFIX + "request-timeout", 30_000),
                settings.positiveInt(PREFIX + "poll-timeout", 100),
                settings.nonNegativeLong(PREFIX + "settle-timeout", 10_000));
        s.commitIntervalMillis = settings.positiveInt(PREFIX + "commit-interval", 100);
        s.readSecurity(settings);
        s.producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        s.producer.put(ProducerConfig.ACKS_CONFIG, "all");
        s.producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.string(PREFIX + "compression", "lz4"));
        s.producer.put(ProducerConfig.LINGER_MS_CONFIG,
                String.valueOf(settings.nonNegativeLong(PREFIX + "linger-ms", 0)));
        s.producer.put(ProducerConfig.BATCH_SIZE_CONFIG,
                String.valueOf(settings.positiveInt(PREFIX + "batch-size", 65_536)));
        // a send waiting for a topic's metadata holds a route's thread: bound it like any other request
        s.producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(s.requestTimeoutMillis));
        s.consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        s.consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                String.valueOf(settings.positiveInt(PREFIX + "max-poll-records", 500)));
        passThrough.forEach((key, value) -> {
            if (key.startsWith(CLIENT_PREFIX)) {
                s.client.put(key.substring(CLIENT_PREFIX.length()), value);
            } else if (key.startsWith(PRODUCER_PREFIX)) {
                s.producer.put(key.substring(PRODUCER_PREFIX.length()), value);
            } else if (key.startsWith(CONSUMER_PREFIX)) {
                String name = key.substring(CONSUMER_PREFIX.length());
                if (PINNED_CONSUMER.containsKey(name) || name.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
                    throw new IllegalArgumentException(key + ": the Kafka transport sets " + name
                            + " itself (commits follow the work; the group is the bus: endpoint's group; a new"
                            + " group starts where the endpoint's startFrom says)");
                }
                s.consumer.put(name, value);
            }
        });
        return s;
    }

    /** {@code security-protocol}, {@code sasl-mechanism}, {@code username}/{@code password}, TLS stores. */
    private void readSecurity(EventBusProperties settings) {
        Optional<String> protocol = settings.string(PREFIX + "security-protocol");
        protocol.ifPresent(p -> client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, p.toUpperCase(Locale.ROOT)));
        String mechanism = settings.string(PREFIX + "sasl-mechanism", "PLAIN").toUpperCase(Locale.ROOT);
        Optional<String> username = settings.string(PREFIX + "username");
        if (username.isPresent()) {
            String password = settings.string(PREFIX + "password").orElseThrow(() -> new IllegalArgumentException(
                    PREFIX + "password: required when " + PREFIX + "username is set"));
            String module = switch (mechanism) {
                case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
                case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
                default -> throw new IllegalArgumentException(PREFIX + "sasl-mechanism: expected PLAIN, SCRAM-SHA-256"
                        + " or SCRAM-SHA-512 with username/password but was \"" + mechanism + "\"");
            };
            client.put(SaslConfigs.SASL_MECHANISM, mechanism);
            client.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuoted(username.get())
                    + "\" password=\"" + jaasQuoted(password) + "\";");
            if (protocol.isEmpty()) {
                client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            }
        }
        settings.string(PREFIX + "ssl-truststore-location")
                .ifPresent(v -> client.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, v));
        settings.string(PREFIX + "ssl-truststore-password")
                .ifPresent(v -> client.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, v));
        settings.string(PREFIX + "ssl-keystore-location")
                .ifPresent(v -> client.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, v));
        settings.string(PREFIX + "ssl-keystore-password")
                .ifPresent(v -> client.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, v));
        settings.string(PREFIX + "ssl-key-password").ifPresent(v -> client.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, v));
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Partitions of a topic the transport creates ({@code eventbus.kafka.partitions}, default 4). */
    int partitions() {
        return partitions;
    }

    /** Replication factor of a topic the transport creates ({@code eventbus.kafka.replication-factor}, default 1). */
    short replicationFactor() {
        return replicationFactor;
    }

    /** Milliseconds a publish, an admin request or a commit waits for the broker ({@code request-timeout}). */
    long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /** Milliseconds one poll of a consumer blocks when it has nothing to do ({@code poll-timeout}, default 100). */
    long pollTimeoutMillis() {
        return pollTimeoutMillis;
    }

    /**
     * Milliseconds a consumer losing partitions (rebalance, stop) waits for their in-flight deliveries to settle
     * before committing ({@code settle-timeout}, default 10000); what is still unsettled then is redelivered.
     */
    long settleTimeoutMillis() {
        return settleTimeoutMillis;
    }

    /**
     * Milliseconds between two commits of a consumer's settled offsets ({@code commit-interval}, default 100): what
     * a crash replays at most, beyond the unsettled records.
     */
    long commitIntervalMillis() {
        return commitIntervalMillis;
    }

    /** Records one poll returns at most; a member buffers a few polls' worth before pausing. */
    int maxPollRecords() {
        String value = consumer.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the key
        }
        throw new IllegalArgumentException(CONSUMER_PREFIX + ConsumerConfig.MAX_POLL_RECORDS_CONFIG
                + ": expected an integer >= 1 but was \"" + value + "\"");
    }

    Properties adminProperties(String clientId) {
        return base(clientId);
    }

    Properties producerProperties(String clientId) {
        Properties props = base(clientId);
        props.putAll(producer);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * A group member's consumer. It never resets an offset by itself ({@code auto.offset.reset=none}): the member
     * seeks a partition the group has no commit for to its start position, and reports and handles a committed
     * offset the broker no longer has.
     */
    Properties consumerProperties(String clientId, String group) {
        Properties props = base(clientId);
        props.putAll(consumer);
        props.putAll(PINNED_CONSUMER);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return props;
    }

    /**
     * A consumer that belongs to no group, for reading by offsets ({@code assign} + {@code seek}): it never joins a
     * group and never commits, so reading with it changes no group's position.
     */
    Properties browserProperties(String clientId) {
        Properties props = base(clientId);
        props.putAll(consumer);
        props.putAll(PINNED_CONSUMER);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private Properties base(String clientId) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(requestTimeoutMillis));
        props.putAll(client);
        return props;
    }

    /** The settings without secrets, for logs. */
    @Override
    public String toString() {
        return "KafkaSettings{bootstrap-servers=" + bootstrapServers + ", partitions=" + partitions
                + ", replication-factor=" + replicationFactor + ", security-protocol="
                + client.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + ", producer="
                + producer.keySet() + ", consumer=" + consumer.keySet() + "}";
    }
}
