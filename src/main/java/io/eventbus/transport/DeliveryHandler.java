package io.eventbus.transport;

/**
 * Receives deliveries from a {@link TransportConsumer}. The handler, or work it hands off, must eventually call
 * {@link Delivery#ack()} or {@link Delivery#reject()} on each delivery: until then the delivery occupies one of
 * the consumer's {@code concurrency} slots and stays pending at the broker.
 */
@FunctionalInterface
public interface DeliveryHandler {

    void onDelivery(Delivery delivery);

    /**
     * Told that {@code count} events of the topic will never reach this consumer's group: the broker deleted them
     * (its retention) before the group read them. The consumer goes on with what the broker still has; the handler
     * only reports it (the bus counts them in {@code eventbus.events.skipped}). Called on the consumer's thread;
     * must not block. Ignored by default.
     */
    default void onSkipped(long count) {
    }
}
