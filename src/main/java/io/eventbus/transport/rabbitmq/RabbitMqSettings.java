package io.eventbus.transport.rabbitmq;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import io.eventbus.transport.ConfigKey;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.SharedSettings;

/**
 * The RabbitMQ transport's {@code eventbus.rabbitmq.*} settings, options of the {@code bus} component, read and
 * checked once by {@link #from}. {@link #toString()} and {@link #address()} never show the password. The queue
 * arguments of {@code eventbus.rabbitmq.topology.queue.<queue>.arguments} are read by {@link RabbitMqTopology}.
 */
@UriParams
public class RabbitMqSettings {

    static final String PREFIX = "eventbus.rabbitmq.";
    static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672";

    /** The queues the bus declares for consumer groups. */
    public enum QueueType {
        /** Classic queues, version 2 ({@code x-queue-version=2}): the default. */
        CLASSIC,
        /** Replicated quorum queues; they count deliveries ({@code x-delivery-count}) but have no priorities. */
        QUORUM
    }

    /** How a rejected delivery is delivered again. */
    public enum Redelivery {
        /**
         * The default: re-published to the group's retry queue ({@code <queue>.retry}), whose expiry after the
         * redelivery delay dead-letters it back to the group's queue, with the delivery count in a header; the
         * original is acknowledged only once the copy is confirmed. Non-blocking, and counts every round.
         */
        REPUBLISH,
        /**
         * Returned to the queue with {@code basic.nack requeue=true} after the redelivery delay. Keeps the message
         * itself, but a classic queue only tells "redelivered", so the count is exact on quorum queues only.
         */
        REQUEUE
    }

    /**
     * The broker: an amqp:// URI with user, password, host, port and virtual host (as the default), amqps:// for
     * TLS.
     */
    @UriParam(label = "rabbitmq", defaultValue = DEFAULT_URI)
    @ConfigKey("eventbus.rabbitmq.uri")
    private String rabbitmqUri = DEFAULT_URI;

    /** The virtual host, overriding the URI's (default: the URI's). */
    @UriParam(label = "rabbitmq")
    @ConfigKey("eventbus.rabbitmq.vhost")
    private String rabbitmqVhost;

    /** The user, overriding the URI's (default: the URI's). */
    @UriParam(label = "rabbitmq,security", secret = true)
    @ConfigKey("eventbus.rabbitmq.username")
    private String rabbitmqUsername;

    /**
     * The password, overriding the URI's (default: the URI's); from EVENTBUS_RABBITMQ_PASSWORD (or a secret file
     * named by EVENTBUS_RABBITMQ_PASSWORD_FILE) rather than a file. Never logged.
     */
    @UriParam(label = "rabbitmq,security", secret = true)
    @ConfigKey("eventbus.rabbitmq.password")
    private String rabbitmqPassword;

    /**
     * Whether to connect with TLS, with the JVM's trust store and host-name verification (default: true for an
     * amqps:// URI, else false).
     */
    @UriParam(label = "rabbitmq,security")
    @ConfigKey("eventbus.rabbitmq.tls")
    private Boolean rabbitmqTls;

    /** Unacknowledged messages the broker sends each consumer channel ahead. */
    @UriParam(label = "rabbitmq", defaultValue = "250")
    @ConfigKey(value = "eventbus.rabbitmq.prefetch", min = 1)
    private int rabbitmqPrefetch = 250;

    /**
     * Acknowledgements a consumer channel sends at once (basic.ack multiple, flushed after 50 ms at most); 1
     * acknowledges each delivery. Above 1 only with redelivery REPUBLISH.
     */
    @UriParam(label = "rabbitmq", defaultValue = "1")
    @ConfigKey(value = "eventbus.rabbitmq.ack-batch", min = 1)
    private int rabbitmqAckBatch = 1;

    /** The queues of consumer groups: CLASSIC (version 2) or QUORUM (replicated; no priorities). */
    @UriParam(label = "rabbitmq", defaultValue = "CLASSIC", enums = "CLASSIC,QUORUM")
    @ConfigKey("eventbus.rabbitmq.queue-type")
    private QueueType rabbitmqQueueType = QueueType.CLASSIC;

    /**
     * How a failed delivery comes back: REPUBLISH (to the group's retry queue, back after the consumer's
     * redeliveryDelay, counted exactly) or REQUEUE (basic.nack requeue after the delay; classic queues then only tell
     * redelivered).
     */
    @UriParam(label = "rabbitmq", defaultValue = "REPUBLISH", enums = "REPUBLISH,REQUEUE")
    @ConfigKey("eventbus.rabbitmq.redelivery")
    private Redelivery rabbitmqRedelivery = Redelivery.REPUBLISH;

    /**
     * x-max-priority of the group queues (0: no priorities; classic queues only); a route sets EventbusPriority per
     * message.
     */
    @UriParam(label = "rabbitmq", defaultValue = "0")
    @ConfigKey(value = "eventbus.rabbitmq.max-priority", max = 255)
    private int rabbitmqMaxPriority;

    /**
     * Default per-message time to live in milliseconds; 0: none. Events a group has not read within it expire out of
     * its queue into the broker-level dead-letter queue of the group. Never applied to dead letters, parked events or
     * retained topics; per message: the EventbusTimeToLive header.
     */
    @UriParam(label = "rabbitmq", defaultValue = "0")
    @ConfigKey("eventbus.rabbitmq.message-ttl")
    private long rabbitmqMessageTtl;

    /** Milliseconds a publish may take, reconnecting and waiting for the broker's confirm. */
    @UriParam(label = "rabbitmq", defaultValue = "30000")
    @ConfigKey(value = "eventbus.rabbitmq.publish-timeout", min = 1)
    private int rabbitmqPublishTimeout = 30000;

    /**
     * Publishes awaiting the broker's confirm at once, over all publishing channels; a publish beyond it waits for a
     * confirm to free a place (at most publish-timeout, then fails).
     */
    @UriParam(label = "rabbitmq", defaultValue = "1000")
    @ConfigKey(value = "eventbus.rabbitmq.max-in-flight", min = 1)
    private int rabbitmqMaxInFlight = 1000;

    /** Milliseconds between two reconnection attempts of a consumer. */
    @UriParam(label = "rabbitmq", defaultValue = "1000")
    @ConfigKey(value = "eventbus.rabbitmq.recovery-interval", min = 1)
    private int rabbitmqRecoveryInterval = 1000;

    /** Channels kept open for publishing. */
    @UriParam(label = "rabbitmq", defaultValue = "64")
    @ConfigKey(value = "eventbus.rabbitmq.channel-cache-size", min = 1)
    private int rabbitmqChannelCacheSize = 64;

    /**
     * Topics that keep a queue of their own name, so publishing to them never fails as unroutable (comma-separated;
     * dead-letter and parked topics and the processing_failed topic always do).
     */
    @UriParam(label = "rabbitmq")
    @ConfigKey("eventbus.rabbitmq.retained-topics")
    private String rabbitmqRetainedTopics;

    /** Exchanges declared at start, comma-separated, as name:type (direct, topic, fanout or headers). */
    @UriParam(label = "rabbitmq")
    @ConfigKey("eventbus.rabbitmq.topology.exchanges")
    private String rabbitmqTopologyExchanges;

    /**
     * Queues declared at start, comma-separated (their arguments: the key
     * eventbus.rabbitmq.topology.queue.QUEUE.arguments).
     */
    @UriParam(label = "rabbitmq")
    @ConfigKey("eventbus.rabbitmq.topology.queues")
    private String rabbitmqTopologyQueues;

    @UriParam(label = "rabbitmq", description = "Bindings declared at start, comma-separated, as exchange -> queue "
            + "or exchange -> queue : routing key (default routing key: the queue's name).")
    @ConfigKey("eventbus.rabbitmq.topology.bindings")
    private String rabbitmqTopologyBindings;

    private Set<String> retainedTopics = Set.of();

    /** The settings, checked; a value out of range or two that do not go together fail naming the key. */
    static RabbitMqSettings from(EventBusProperties properties) {
        RabbitMqSettings s = properties.settings(RabbitMqSettings.class);
        try {
            URI parsed = new URI(s.rabbitmqUri);
            if (!"amqp".equals(parsed.getScheme()) && !"amqps".equals(parsed.getScheme())) {
                throw new IllegalArgumentException(PREFIX + "uri: expected an amqp:// or amqps:// URI but was \""
                        + withoutPassword(s.rabbitmqUri) + "\"");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(PREFIX + "uri: not a URI (" + e.getReason() + ")");
        }
        if (s.rabbitmqQueueType == QueueType.QUORUM && s.rabbitmqMaxPriority > 0) {
            throw new IllegalArgumentException(PREFIX + "max-priority: quorum queues have no priorities; use "
                    + PREFIX + "queue-type=classic or max-priority=0");
        }
        if (s.rabbitmqAckBatch > 1 && s.rabbitmqRedelivery == Redelivery.REQUEUE) {
            throw new IllegalArgumentException(PREFIX + "ack-batch: multiple acknowledgements would also acknowledge "
                    + "deliveries waiting to be requeued; use ack-batch=1 with " + PREFIX + "redelivery=requeue");
        }
        Set<String> retained = new LinkedHashSet<>(list(s.rabbitmqRetainedTopics));
        String failedTopic = properties.settings(SharedSettings.class).failedTopicOrNull();
        retained.add(failedTopic != null ? failedTopic : DeadLetterTopics.DEFAULT_FAILED_TOPIC);
        s.retainedTopics = Set.copyOf(retained);
        return s;
    }

    /** The items of a comma-separated list, trimmed, without empty ones. */
    static List<String> list(String value) {
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
    }

    /** {@code amqp://user:password@host:port/vhost} or {@code amqps://...} */
    String uri() {
        return rabbitmqUri;
    }

    /** The virtual host, overriding the URI's; null keeps it. */
    String vhost() {
        return rabbitmqVhost;
    }

    /** Overriding the URI's user; null keeps it. */
    String username() {
        return rabbitmqUsername;
    }

    /** Overriding the URI's password; null keeps it. */
    String password() {
        return rabbitmqPassword;
    }

    /** TLS with the JVM's trust store and host-name verification ({@code amqps} implies it). */
    boolean tls() {
        return rabbitmqTls != null ? rabbitmqTls : rabbitmqUri.startsWith("amqps:");
    }

    /** Unacknowledged messages the broker sends each consumer channel ahead. */
    int prefetch() {
        return rabbitmqPrefetch;
    }

    /** The type of the queues the bus declares. */
    QueueType queueType() {
        return rabbitmqQueueType;
    }

    /** How a rejected delivery comes back. */
    Redelivery redelivery() {
        return rabbitmqRedelivery;
    }

    /** How long a publish may take, reconnecting and waiting for the broker's confirm. */
    long publishTimeoutMillis() {
        return rabbitmqPublishTimeout;
    }

    /** Publishes awaiting the broker's confirm at once; more wait for a place. */
    int maxInFlight() {
        return rabbitmqMaxInFlight;
    }

    /** Pause between reconnection attempts of consumers. */
    long recoveryIntervalMillis() {
        return rabbitmqRecoveryInterval;
    }

    /** Channels kept open for publishing. */
    int channelCacheSize() {
        return rabbitmqChannelCacheSize;
    }

    /** {@code x-max-priority} of the bus's group queues; 0 for none. */
    int maxPriority() {
        return rabbitmqMaxPriority;
    }

    /** Default per-message time to live; 0 for none. */
    long messageTtlMillis() {
        return rabbitmqMessageTtl;
    }

    /** Acknowledgements a consumer channel sends at once (multiple ack); 1 acks each. */
    int ackBatch() {
        return rabbitmqAckBatch;
    }

    /**
     * Topics that keep a queue named after themselves, so publishing to them never fails as unroutable (dead-letter
     * topics always do): {@code retained-topics} and the {@code processing_failed} topic.
     */
    Set<String> retainedTopics() {
        return retainedTopics;
    }

    /** Where the transport connects, for logs and health details: host, port and virtual host, no credentials. */
    String address() {
        try {
            URI parsed = new URI(rabbitmqUri);
            String host = parsed.getHost() == null ? "localhost" : parsed.getHost();
            int port = parsed.getPort() > 0 ? parsed.getPort() : tls() ? 5671 : 5672;
            String vh = rabbitmqVhost != null ? rabbitmqVhost
                    : parsed.getPath() == null || parsed.getPath().length() <= 1 ? "/" : parsed.getPath().substring(1);
            return (tls() ? "amqps://" : "amqp://") + host + ":" + port + " vhost " + vh;
        } catch (URISyntaxException e) {
            return "(unparseable URI)";
        }
    }

    @Override
    public String toString() {
        return "RabbitMqSettings[" + address() + ", prefetch=" + rabbitmqPrefetch + ", queueType=" + rabbitmqQueueType
                + ", redelivery=" + rabbitmqRedelivery + "]";
    }

    private static String withoutPassword(String uri) {
        return uri.replaceAll("//([^:/@]*):[^@]*@", "//$1:***@");
    }

    public String getRabbitmqUri() {
        return rabbitmqUri;
    }

    public void setRabbitmqUri(String rabbitmqUri) {
        this.rabbitmqUri = rabbitmqUri;
    }

    public String getRabbitmqVhost() {
        return rabbitmqVhost;
    }

    public void setRabbitmqVhost(String rabbitmqVhost) {
        this.rabbitmqVhost = rabbitmqVhost;
    }

    public String getRabbitmqUsername() {
        return rabbitmqUsername;
    }

    public void setRabbitmqUsername(String rabbitmqUsername) {
        this.rabbitmqUsername = rabbitmqUsername;
    }

    public String getRabbitmqPassword() {
        return rabbitmqPassword;
    }

    public void setRabbitmqPassword(String rabbitmqPassword) {
        this.rabbitmqPassword = rabbitmqPassword;
    }

    public Boolean getRabbitmqTls() {
        return rabbitmqTls;
    }

    public void setRabbitmqTls(Boolean rabbitmqTls) {
        this.rabbitmqTls = rabbitmqTls;
    }

    public int getRabbitmqPrefetch() {
        return rabbitmqPrefetch;
    }

    public void setRabbitmqPrefetch(int rabbitmqPrefetch) {
        this.rabbitmqPrefetch = rabbitmqPrefetch;
    }

    public int getRabbitmqAckBatch() {
        return rabbitmqAckBatch;
    }

    public void setRabbitmqAckBatch(int rabbitmqAckBatch) {
        this.rabbitmqAckBatch = rabbitmqAckBatch;
    }

    public QueueType getRabbitmqQueueType() {
        return rabbitmqQueueType;
    }

    public void setRabbitmqQueueType(QueueType rabbitmqQueueType) {
        this.rabbitmqQueueType = rabbitmqQueueType;
    }

    public Redelivery getRabbitmqRedelivery() {
        return rabbitmqRedelivery;
    }

    public void setRabbitmqRedelivery(Redelivery rabbitmqRedelivery) {
        this.rabbitmqRedelivery = rabbitmqRedelivery;
    }

    public int getRabbitmqMaxPriority() {
        return rabbitmqMaxPriority;
    }

    public void setRabbitmqMaxPriority(int rabbitmqMaxPriority) {
        this.rabbitmqMaxPriority = rabbitmqMaxPriority;
    }

    public long getRabbitmqMessageTtl() {
        return rabbitmqMessageTtl;
    }

    public void setRabbitmqMessageTtl(long rabbitmqMessageTtl) {
        this.rabbitmqMessageTtl = rabbitmqMessageTtl;
    }

    public int getRabbitmqPublishTimeout() {
        return rabbitmqPublishTimeout;
    }

    public void setRabbitmqPublishTimeout(int rabbitmqPublishTimeout) {
        this.rabbitmqPublishTimeout = rabbitmqPublishTimeout;
    }

    public int getRabbitmqMaxInFlight() {
        return rabbitmqMaxInFlight;
    }

    public void setRabbitmqMaxInFlight(int rabbitmqMaxInFlight) {
        this.rabbitmqMaxInFlight = rabbitmqMaxInFlight;
    }

    public int getRabbitmqRecoveryInterval() {
        return rabbitmqRecoveryInterval;
    }

    public void setRabbitmqRecoveryInterval(int rabbitmqRecoveryInterval) {
        this.rabbitmqRecoveryInterval = rabbitmqRecoveryInterval;
    }

    public int getRabbitmqChannelCacheSize() {
        return rabbitmqChannelCacheSize;
    }

    public void setRabbitmqChannelCacheSize(int rabbitmqChannelCacheSize) {
        this.rabbitmqChannelCacheSize = rabbitmqChannelCacheSize;
    }

    public String getRabbitmqRetainedTopics() {
        return rabbitmqRetainedTopics;
    }

    public void setRabbitmqRetainedTopics(String rabbitmqRetainedTopics) {
        this.rabbitmqRetainedTopics = rabbitmqRetainedTopics;
    }

    public String getRabbitmqTopologyExchanges() {
        return rabbitmqTopologyExchanges;
    }

    public void setRabbitmqTopologyExchanges(String rabbitmqTopologyExchanges) {
        this.rabbitmqTopologyExchanges = rabbitmqTopologyExchanges;
    }

    public String getRabbitmqTopologyQueues() {
        return rabbitmqTopologyQueues;
    }

    public void setRabbitmqTopologyQueues(String rabbitmqTopologyQueues) {
        this.rabbitmqTopologyQueues = rabbitmqTopologyQueues;
    }

    public String getRabbitmqTopologyBindings() {
        return rabbitmqTopologyBindings;
    }

    public void setRabbitmqTopologyBindings(String rabbitmqTopologyBindings) {
        this.rabbitmqTopologyBindings = rabbitmqTopologyBindings;
    }
}
