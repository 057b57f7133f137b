package io.eventbus.transport;

import java.util.Optional;
import java.util.Set;


/**
 * A broker binding behind {@code bus:}: the two-method SPI every transport implements (in-memory, Redis Streams,
 * RabbitMQ, Kafka), in the manner of Spring Cloud Stream's binders.
 * <p>
 * Contract every implementation keeps, and {@code TransportContractIT} checks against a real broker:
 * <ul>
 * <li>Consumer groups: every group receives every event published after the group exists (and, with
 * {@link StartPosition#EARLIEST}, those the transport still retains); members of one group compete, each event
 * going to one member.</li>
 * <li>At-least-once: a delivery stays pending until {@link Delivery#ack()}; {@link Delivery#reject()} or the
 * death of its consumer makes it deliverable again.</li>
 * <li>Ordering: a single member with concurrency 1 receives one topic's events in publish order, except that a
 * rejected event comes back after its redelivery delay; broker-specific per-key ordering across members is declared
 * by the transport's contract test.</li>
 * <li>Back-pressure: in-flight deliveries per consumer never exceed its concurrency.</li>
 * </ul>
 * A transport is created once per {@code CamelContext} by its {@link TransportFactory} and closed when the
 * {@code bus} component stops.
 */
public interface Transport extends AutoCloseable {

    /** The name configuration uses for it: {@code memory}, {@code redis}, {@code rabbitmq}, {@code kafka}. */
    String name();

    /** A producer publishing to the topic; cheap to call repeatedly, the transport may share one per topic. */
    TransportProducer bindProducer(String topic);

    /**
     * A consumer of the topic in the binding's group, calling {@code handler} for each delivery once started.
     * Nothing is delivered before {@link TransportConsumer#start()}.
     */
    TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler);

    /**
     * What the broker holds for the topic now: its length and, per consumer group, lag, pending and members.
     * {@code groups} names groups to report even where the broker cannot list them (RabbitMQ queues); an empty
     * set means every group the broker knows of for the topic. Never creates the topic or a group.
     */
    TopicStats stats(String topic, Set<String> groups) throws Exception;

    /**
     * Deletes the topic's consumer group, so that it no longer holds the events the topic retains for it; its
     * position and unacknowledged events are gone, and a member that binds later starts the group afresh from its
     * start position. A group with a live member is never deleted: the transport, or the broker, refuses with
     * {@link GroupInUseException}. Dead letters the group produced stay where they are.
     *
     * @return true when the group was deleted, false when the topic has no such group
     * @throws UnsupportedOperationException when the transport cannot delete groups
     */
    default boolean deleteGroup(String topic, String group) throws Exception {
        throw new UnsupportedOperationException("the " + name() + " transport cannot delete consumer groups");
    }

    /**
     * Reads and settles this transport's dead-letter topics without consuming them, for {@code eventbus dlq} and
     * the dead-letter tools ({@code io.eventbus.deadletter}); empty when the transport cannot.
     */
    default Optional<DeadLetterStore> deadLetterStore() {
        return Optional.empty();
    }

    /**
     * Whether this transport honours the option; {@code bus:} refuses, when a route starts, an endpoint that sets an
     * option its transport does not honour. None by default.
     */
    default boolean honours(TransportOption option) {
        return false;
    }

    /** Probes the broker now, for readiness checks: connected, round-trip latency, and what else it can tell. */
    TransportHealth health();

    /** Releases connections and threads; deliveries not acknowledged by then are redelivered later. */
    @Override
    void close();
}
