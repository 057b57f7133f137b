package io.eventbus.transport;

import java.util.concurrent.CompletableFuture;

/** Publishes encoded events to one topic. Thread-safe. */
public interface TransportProducer {

    /**
     * Publishes the message and returns once the broker has accepted it (written to the log, confirmed by the
     * broker, acknowledged by the partition leaders): a message whose publish returned is never lost by the
     * transport. Throws when the broker refused it or did not answer in time; the message may then have been
     * published or not, so callers retry (at-least-once) and consumers deduplicate by {@code event_id}.
     */
    void publish(OutboundMessage message) throws Exception;

    /**
     * Publishes without blocking the caller: the future completes when {@link #publish} would have returned, or
     * fails with what it would have thrown. The same guarantee, only the waiting moves: transports whose client is
     * asynchronous (Lettuce, kafka-clients, Spring AMQP's correlated confirms) override it so that one thread keeps
     * many publishes in flight; this default publishes synchronously and returns a completed future.
     */
    default CompletableFuture<Void> publishAsync(OutboundMessage message) {
        try {
            publish(message);
            return CompletableFuture.completedFuture(null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
