package io.eventbus.transport.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.eventbus.transport.ConfigKey;
import io.eventbus.transport.EventBusProperties;

/**
 * The Kafka transport's {@code eventbus.kafka.*} settings, options of the {@code bus} component, read once at start by
 * {@link #read}. The bus's own choices (idempotent producer, {@code acks=all}, manual commits, the cooperative-sticky
 * assignor) are set first; native client properties given as {@code eventbus.kafka.client.<prop>} (admin, producer
 * and consumer), {@code eventbus.kafka.producer.<prop>} or {@code eventbus.kafka.consumer.<prop>} are applied over
 * them, except the few the transport's guarantees depend on ({@link #PINNED_CONSUMER}). {@link #toString()} never
 * shows secrets.
 */
@UriParams
public class KafkaSettings {

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
    // the deserializers by name, not by class: the bus component holds these settings for its catalog, so this class
    // loads even where kafka-clients is absent (Karaf without camel-eventbus-kafka), and a constant is all it may touch
    static final Map<String, String> PINNED_CONSUMER = Map.of(
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.StringDeserializer",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            "org.apache.kafka.common.serialization.ByteArrayDeserializer");

    /** The brokers to connect to first, comma-separated host:port. */
    @UriParam(label = "kafka", defaultValue = "127.0.0.1:9092")
    @ConfigKey("eventbus.kafka.bootstrap-servers")
    private String kafkaBootstrapServers = "127.0.0.1:9092";

    /** Partitions of a topic the transport creates (it creates the topics a bus: endpoint uses when absent). */
    @UriParam(label = "kafka", defaultValue = "4")
    @ConfigKey(value = "eventbus.kafka.partitions", min = 1)
    private int kafkaPartitions = 4;

    /** Replication factor of a topic the transport creates (3 on a cluster, with min.insync.replicas 2). */
    @UriParam(label = "kafka", defaultValue = "1")
    @ConfigKey(value = "eventbus.kafka.replication-factor", min = 1, max = Short.MAX_VALUE)
    private int kafkaReplicationFactor = 1;

    /** Producer compression (none, gzip, snappy, lz4, zstd); the producer is always idempotent with acks=all. */
    @UriParam(label = "kafka,producer", defaultValue = "lz4")
    @ConfigKey("eventbus.kafka.compression")
    private String kafkaCompression = "lz4";

    /** Milliseconds the producer waits to fill a batch (raise it for many concurrent publishers). */
    @UriParam(label = "kafka,producer", defaultValue = "0")
    @ConfigKey("eventbus.kafka.linger-ms")
    private long kafkaLingerMs;

    /** The producer's batch size in bytes. */
    @UriParam(label = "kafka,producer", defaultValue = "65536")
    @ConfigKey(value = "eventbus.kafka.batch-size", min = 1)
    private int kafkaBatchSize = 65536;

    /** Records one poll returns at most; a consumer buffers four polls' worth before pausing. */
    @UriParam(label = "kafka,consumer", defaultValue = "500")
    @ConfigKey(value = "eventbus.kafka.max-poll-records", min = 1)
    private int kafkaMaxPollRecords = 500;

    /**
     * Milliseconds between two commits of a consumer's settled offsets: what a crash replays at most, beyond the
     * unsettled records.
     */
    @UriParam(label = "kafka,consumer", defaultValue = "100")
    @ConfigKey(value = "eventbus.kafka.commit-interval", min = 1)
    private int kafkaCommitInterval = 100;

    /**
     * Milliseconds a consumer losing partitions (rebalance, stop) waits for their in-flight deliveries to settle
     * before committing; what is still unsettled then is redelivered.
     */
    @UriParam(label = "kafka,consumer", defaultValue = "10000")
    @ConfigKey("eventbus.kafka.settle-timeout")
    private long kafkaSettleTimeout = 10000;

    /** Milliseconds one poll of a consumer blocks when it has nothing to do. */
    @UriParam(label = "kafka,consumer", defaultValue = "100")
    @ConfigKey(value = "eventbus.kafka.poll-timeout", min = 1)
    private int kafkaPollTimeout = 100;

    /** Milliseconds a publish, a commit or an admin request waits for the broker. */
    @UriParam(label = "kafka", defaultValue = "30000")
    @ConfigKey(value = "eventbus.kafka.request-timeout", min = 1)
    private int kafkaRequestTimeout = 30000;

    /**
     * PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (default: PLAINTEXT, or SASL_SSL once a username is set).
     */
    @UriParam(label = "kafka,security")
    @ConfigKey("eventbus.kafka.security-protocol")
    private String kafkaSecurityProtocol;

    /** The SASL mechanism of username and password: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
    @UriParam(label = "kafka,security", defaultValue = "PLAIN")
    @ConfigKey("eventbus.kafka.sasl-mechanism")
    private String kafkaSaslMechanism = "PLAIN";

    /** The SASL user (default: none, no SASL). */
    @UriParam(label = "kafka,security", secret = true)
    @ConfigKey("eventbus.kafka.username")
    private String kafkaUsername;

    /**
     * The SASL password, required with a username; from EVENTBUS_KAFKA_PASSWORD (or a secret file named by
     * EVENTBUS_KAFKA_PASSWORD_FILE) rather than a file. Never logged.
     */
    @UriParam(label = "kafka,security", secret = true)
    @ConfigKey("eventbus.kafka.password")
    private String kafkaPassword;

    /** The TLS trust store (PKCS12 or JKS file). */
    @UriParam(label = "kafka,security")
    @ConfigKey("eventbus.kafka.ssl-truststore-location")
    private String kafkaSslTruststoreLocation;

    /** The password of the TLS trust store. */
    @UriParam(label = "kafka,security", secret = true)
    @ConfigKey("eventbus.kafka.ssl-truststore-password")
    private String kafkaSslTruststorePassword;

    /** The TLS key store, for client certificates. */
    @UriParam(label = "kafka,security")
    @ConfigKey("eventbus.kafka.ssl-keystore-location")
    private String kafkaSslKeystoreLocation;

    /** The password of the TLS key store. */
    @UriParam(label = "kafka,security", secret = true)
    @ConfigKey("eventbus.kafka.ssl-keystore-password")
    private String kafkaSslKeystorePassword;

    /** The password of the key in the TLS key store. */
    @UriParam(label = "kafka,security", secret = true)
    @ConfigKey("eventbus.kafka.ssl-key-password")
    private String kafkaSslKeyPassword;

    private final Map<String, String> client = new TreeMap<>();
    private final Map<String, String> producer = new TreeMap<>();
    private final Map<String, String> consumer = new TreeMap<>();

    /**
     * Reads the settings.
     *
     * @param settings    the typed view of the {@code eventbus.*} keys
     * @param passThrough every key starting with {@code eventbus.kafka.}, for the native client properties
     */
    static KafkaSettings read(EventBusProperties settings, Map<String, String> passThrough) {
        KafkaSettings s = settings.settings(KafkaSettings.class);
        s.readSecurity();
        s.producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        s.producer.put(ProducerConfig.ACKS_CONFIG, "all");
        s.producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, s.kafkaCompression);
        s.producer.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(s.kafkaLingerMs));
        s.producer.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(s.kafkaBatchSize));
        // a send waiting for a topic's metadata holds a route's thread: bound it like any other request
        s.producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(s.kafkaRequestTimeout));
        s.consumer.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        s.consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(s.kafkaMaxPollRecords));
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
    private void readSecurity() {
        if (kafkaSecurityProtocol != null) {
            client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, kafkaSecurityProtocol.toUpperCase(Locale.ROOT));
        }
        String mechanism = kafkaSaslMechanism.toUpperCase(Locale.ROOT);
        if (kafkaUsername != null) {
            if (kafkaPassword == null) {
                throw new IllegalArgumentException(PREFIX + "password: required when " + PREFIX + "username is set");
            }
            String module = switch (mechanism) {
                case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
                case "SCRAM-SHA-256", "SCRAM-SHA-512" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
                default -> throw new IllegalArgumentException(PREFIX + "sasl-mechanism: expected PLAIN, SCRAM-SHA-256"
                        + " or SCRAM-SHA-512 with username/password but was \"" + mechanism + "\"");
            };
            client.put(SaslConfigs.SASL_MECHANISM, mechanism);
            client.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuoted(kafkaUsername)
                    + "\" password=\"" + jaasQuoted(kafkaPassword) + "\";");
            if (kafkaSecurityProtocol == null) {
                client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
            }
        }
        putIfSet(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, kafkaSslTruststoreLocation);
        putIfSet(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, kafkaSslTruststorePassword);
        putIfSet(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, kafkaSslKeystoreLocation);
        putIfSet(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, kafkaSslKeystorePassword);
        putIfSet(SslConfigs.SSL_KEY_PASSWORD_CONFIG, kafkaSslKeyPassword);
    }

    private void putIfSet(String property, String value) {
        if (value != null) {
            client.put(property, value);
        }
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Whether the client speaks TLS or SASL, whose refusals (credentials, certificates) the start should report. */
    boolean secured() {
        return !"PLAINTEXT".equals(client.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                .toUpperCase(Locale.ROOT));
    }

    String bootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** Partitions of a topic the transport creates ({@code eventbus.kafka.partitions}, default 4). */
    int partitions() {
        return kafkaPartitions;
    }

    /** Replication factor of a topic the transport creates ({@code eventbus.kafka.replication-factor}, default 1). */
    short replicationFactor() {
        return (short) kafkaReplicationFactor;
    }

    /** Milliseconds a publish, an admin request or a commit waits for the broker ({@code request-timeout}). */
    long requestTimeoutMillis() {
        return kafkaRequestTimeout;
    }

    /** Milliseconds one poll of a consumer blocks when it has nothing to do ({@code poll-timeout}, default 100). */
    long pollTimeoutMillis() {
        return kafkaPollTimeout;
    }

    /**
     * Milliseconds a consumer losing partitions (rebalance, stop) waits for their in-flight deliveries to settle
     * before committing ({@code settle-timeout}, default 10000); what is still unsettled then is redelivered.
     */
    long settleTimeoutMillis() {
        return kafkaSettleTimeout;
    }

    /**
     * Milliseconds between two commits of a consumer's settled offsets ({@code commit-interval}, default 100): what
     * a crash replays at most, beyond the unsettled records.
     */
    long commitIntervalMillis() {
        return kafkaCommitInterval;
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
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(kafkaRequestTimeout));
        props.putAll(client);
        return props;
    }

    /** The settings without secrets, for logs. */
    @Override
    public String toString() {
        return "KafkaSettings{bootstrap-servers=" + kafkaBootstrapServers + ", partitions=" + kafkaPartitions
                + ", replication-factor=" + kafkaReplicationFactor + ", security-protocol="
                + client.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT") + ", producer="
                + producer.keySet() + ", consumer=" + consumer.keySet() + "}";
    }

    public String getKafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    public void setKafkaBootstrapServers(String kafkaBootstrapServers) {
        this.kafkaBootstrapServers = kafkaBootstrapServers;
    }

    public int getKafkaPartitions() {
        return kafkaPartitions;
    }

    public void setKafkaPartitions(int kafkaPartitions) {
        this.kafkaPartitions = kafkaPartitions;
    }

    public int getKafkaReplicationFactor() {
        return kafkaReplicationFactor;
    }

    public void setKafkaReplicationFactor(int kafkaReplicationFactor) {
        this.kafkaReplicationFactor = kafkaReplicationFactor;
    }

    public String getKafkaCompression() {
        return kafkaCompression;
    }

    public void setKafkaCompression(String kafkaCompression) {
        this.kafkaCompression = kafkaCompression;
    }

    public long getKafkaLingerMs() {
        return kafkaLingerMs;
    }

    public void setKafkaLingerMs(long kafkaLingerMs) {
        this.kafkaLingerMs = kafkaLingerMs;
    }

    public int getKafkaBatchSize() {
        return kafkaBatchSize;
    }

    public void setKafkaBatchSize(int kafkaBatchSize) {
        this.kafkaBatchSize = kafkaBatchSize;
    }

    public int getKafkaMaxPollRecords() {
        return kafkaMaxPollRecords;
    }

    public void setKafkaMaxPollRecords(int kafkaMaxPollRecords) {
        this.kafkaMaxPollRecords = kafkaMaxPollRecords;
    }

    public int getKafkaCommitInterval() {
        return kafkaCommitInterval;
    }

    public void setKafkaCommitInterval(int kafkaCommitInterval) {
        this.kafkaCommitInterval = kafkaCommitInterval;
    }

    public long getKafkaSettleTimeout() {
        return kafkaSettleTimeout;
    }

    public void setKafkaSettleTimeout(long kafkaSettleTimeout) {
        this.kafkaSettleTimeout = kafkaSettleTimeout;
    }

    public int getKafkaPollTimeout() {
        return kafkaPollTimeout;
    }

    public void setKafkaPollTimeout(int kafkaPollTimeout) {
        this.kafkaPollTimeout = kafkaPollTimeout;
    }

    public int getKafkaRequestTimeout() {
        return kafkaRequestTimeout;
    }

    public void setKafkaRequestTimeout(int kafkaRequestTimeout) {
        this.kafkaRequestTimeout = kafkaRequestTimeout;
    }

    public String getKafkaSecurityProtocol() {
        return kafkaSecurityProtocol;
    }

    public void setKafkaSecurityProtocol(String kafkaSecurityProtocol) {
        this.kafkaSecurityProtocol = kafkaSecurityProtocol;
    }

    public String getKafkaSaslMechanism() {
        return kafkaSaslMechanism;
    }

    public void setKafkaSaslMechanism(String kafkaSaslMechanism) {
        this.kafkaSaslMechanism = kafkaSaslMechanism;
    }

    public String getKafkaUsername() {
        return kafkaUsername;
    }

    public void setKafkaUsername(String kafkaUsername) {
        this.kafkaUsername = kafkaUsername;
    }

    public String getKafkaPassword() {
        return kafkaPassword;
    }

    public void setKafkaPassword(String kafkaPassword) {
        this.kafkaPassword = kafkaPassword;
    }

    public String getKafkaSslTruststoreLocation() {
        return kafkaSslTruststoreLocation;
    }

    public void setKafkaSslTruststoreLocation(String kafkaSslTruststoreLocation) {
        this.kafkaSslTruststoreLocation = kafkaSslTruststoreLocation;
    }

    public String getKafkaSslTruststorePassword() {
        return kafkaSslTruststorePassword;
    }

    public void setKafkaSslTruststorePassword(String kafkaSslTruststorePassword) {
        this.kafkaSslTruststorePassword = kafkaSslTruststorePassword;
    }

    public String getKafkaSslKeystoreLocation() {
        return kafkaSslKeystoreLocation;
    }

    public void setKafkaSslKeystoreLocation(String kafkaSslKeystoreLocation) {
        this.kafkaSslKeystoreLocation = kafkaSslKeystoreLocation;
    }

    public String getKafkaSslKeystorePassword() {
        return kafkaSslKeystorePassword;
    }

    public void setKafkaSslKeystorePassword(String kafkaSslKeystorePassword) {
        this.kafkaSslKeystorePassword = kafkaSslKeystorePassword;
    }

    public String getKafkaSslKeyPassword() {
        return kafkaSslKeyPassword;
    }

    public void setKafkaSslKeyPassword(String kafkaSslKeyPassword) {
        this.kafkaSslKeyPassword = kafkaSslKeyPassword;
    }
}
