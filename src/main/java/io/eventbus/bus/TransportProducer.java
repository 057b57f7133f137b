package io.eventbus.bus;

/** Publishes encoded events to one topic. Thread-safe. */
public interface TransportProducer {

    /**
     * Publishes the message and returns once the broker has accepted it (written to the log, confirmed by the
     * broker, acknowledged by the partition leaders): a message whose publish returned is never lost by the
     * transport. Throws when the broker refused it or did not answer in time; the message may then have been
     * published or not, so callers retry (at-least-once) and consumers deduplicate by {@code event_id}.
     */
    void publish(OutboundMessage message) throws Exception;
}
