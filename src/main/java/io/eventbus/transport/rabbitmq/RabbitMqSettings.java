package io.eventbus.transport.rabbitmq;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;

/**
 * The RabbitMQ transport's {@code eventbus.rabbitmq.*} settings, read and checked once. {@link #toString()} and
 * {@link #address()} never show the password.
 *
 * @param uri                  {@code amqp://user:password@host:port/vhost} or {@code amqps://...}
 * @param vhost                the virtual host, overriding the URI's; null keeps it
 * @param username             overriding the URI's user; null keeps it
 * @param password             overriding the URI's password; null keeps it
 * @param tls                  TLS with the JVM's trust store and host-name verification ({@code amqps} implies it)
 * @param prefetch             unacknowledged messages the broker sends each consumer channel ahead
 * @param queueType            the type of the queues the bus declares
 * @param redelivery           how a rejected delivery comes back
 * @param publishTimeoutMillis how long a publish may take, reconnecting and waiting for the broker's confirm
 * @param recoveryIntervalMillis pause between reconnection attempts of consumers
 * @param channelCacheSize     channels kept open for publishing
 * @param maxPriority          {@code x-max-priority} of the bus's group queues; 0 for none
 * @param messageTtlMillis     default per-message time to live; 0 for none
 * @param ackBatch             acknowledgements a consumer channel sends at once (multiple ack); 1 acks each
 * @param retainedTopics       topics that keep a queue named after themselves, so publishing to them never
 *                             fails as unroutable (dead-letter topics always do)
 */
record RabbitMqSettings(String uri, String vhost, String username, String password, boolean tls, int prefetch,
        QueueType queueType, Redelivery redelivery, long publishTimeoutMillis, long recoveryIntervalMillis,
        int channelCacheSize, int maxPriority, long messageTtlMillis, int ackBatch, Set<String> retainedTopics) {

    static final String PREFIX = "eventbus.rabbitmq.";
    static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672";

    /** The queues the bus declares for consumer groups. */
    enum QueueType {
        /** Classic queues, version 2 ({@code x-queue-version=2}): the default. */
        CLASSIC,
        /** Replicated quorum queues; they count deliveries ({@code x-delivery-count}) but have no priorities. */
        QUORUM
    }

    /** How a rejected delivery is delivered again. */
    enum Redelivery {
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

    static RabbitMqSettings from(EventBusProperties properties) {
        String uri = properties.string(PREFIX + "uri", DEFAULT_URI);
        try {
            URI parsed = new URI(uri);
            if (!"amqp".equals(parsed.getScheme()) && !"amqps".equals(parsed.getScheme())) {
                throw new IllegalArgumentException(PREFIX + "uri: expected an amqp:// or amqps:// URI but was \""
                        + withoutPassword(uri) + "\"");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(PREFIX + "uri: not a URI (" + e.getReason() + ")");
        }
        long maxPriority = properties.nonNegativeLong(PREFIX + "max-priority", 0);
        if (maxPriority > 255) {
            throw new IllegalArgumentException(PREFIX + "max-priority: expected 0 to 255 but was " + maxPriority);
        }
        QueueType queueType = properties.enumValue(PREFIX + "queue-type", QueueType.class, QueueType.CLASSIC);
        if (queueType == QueueType.QUORUM && maxPriority > 0) {
            throw new IllegalArgumentException(PREFIX + "max-priority: quorum queues have no priorities; use "
                    + PREFIX + "queue-type=classic or max-priority=0");
        }
        Redelivery redelivery = properties.enumValue(PREFIX + "redelivery", Redelivery.class, Redelivery.REPUBLISH);
        int ackBatch = properties.positiveInt(PREFIX + "ack-batch", 1);
        if (ackBatch > 1 && redelivery == Redelivery.REQUEUE) {
            throw new IllegalArgumentException(PREFIX + "ack-batch: multiple acknowledgements would also acknowledge "
                    + "deliveries waiting to be requeued; use ack-batch=1 with " + PREFIX + "redelivery=requeue");
        }
        Set<String> retained = new LinkedHashSet<>();
        properties.string(PREFIX + "retained-topics").ifPresent(list -> Arrays.stream(list.split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).forEach(retained::add));
        properties.string("eventbus.deadletter.failed-topic").filter(t -> !t.equalsIgnoreCase("none"))
                .ifPresentOrElse(retained::add, () -> retained.add(DeadLetterTopics.DEFAULT_FAILED_TOPIC));
        return new RabbitMqSettings(uri,
                properties.string(PREFIX + "vhost").orElse(null),
                properties.string(PREFIX + "username").orElse(null),
                properties.string(PREFIX + "password").orElse(null),
                properties.bool(PREFIX + "tls", uri.startsWith("amqps:")),
                properties.positiveInt(PREFIX + "prefetch", 250),
                queueType,
                redelivery,
                properties.positiveInt(PREFIX + "publish-timeout", 30_000),
                properties.positiveInt(PREFIX + "recovery-interval", 1_000),
                properties.positiveInt(PREFIX + "channel-cache-size", 64),
                (int) maxPriority,
                properties.nonNegativeLong(PREFIX + "message-ttl", 0),
                ackBatch,
                Set.copyOf(retained));
    }

    /** Where the transport connects, for logs and health details: host, port and virtual host, no credentials. */
    String address() {
        try {
            URI parsed = new URI(uri);
            String host = parsed.getHost() == null ? "localhost" : parsed.getHost();
            int port = parsed.getPort() > 0 ? parsed.getPort() : tls ? 5671 : 5672;
            String vh = vhost != null ? vhost : parsed.getPath() == null || parsed.getPath().length() <= 1 ? "/"
                    : parsed.getPath().substring(1);
            return (tls ? "amqps://" : "amqp://") + host + ":" + port + " vhost " + vh;
        } catch (URISyntaxException e) {
            return "(unparseable URI)";
        }
    }

    @Override
    public String toString() {
        return "RabbitMqSettings[" + address() + ", prefetch=" + prefetch + ", queueType=" + queueType
                + ", redelivery=" + redelivery + "]";
    }

    private static String withoutPassword(String uri) {
        return uri.replaceAll("//([^:/@]*):[^@]*@", "//$1:***@");
    }
}
