package io.eventbus.transport;

/**
 * Receives deliveries from a {@link TransportConsumer}. The handler, or work it hands off, must eventually call
 * {@link Delivery#ack()} or {@link Delivery#reject()} on each delivery: until then the delivery occupies one of
 * the consumer's {@code concurrency} slots and stays pending at the broker.
 */
@FunctionalInterface
public interface DeliveryHandler {

    void onDelivery(Delivery delivery);
}
