package io.eventbus.bus;

import java.util.concurrent.atomic.AtomicBoolean;

import io.eventbus.transport.Delivery;
import io.eventbus.transport.ForwardingDelivery;

/**
 * A delivery that tells the bus's observer how it is settled: {@code acknowledged} or {@code failed} (rejected for
 * redelivery). Only the first settlement is told, as only the first settles.
 */
final class ObservedDelivery extends ForwardingDelivery {

    private final BusObserver observer;
    private final ConsumerTags consumer;
    private final String eventType;
    private final AtomicBoolean settled = new AtomicBoolean();

    ObservedDelivery(Delivery delivery, BusObserver observer, ConsumerTags consumer, String eventType) {
        super(delivery);
        this.observer = observer;
        this.consumer = consumer;
        this.eventType = eventType;
    }

    @Override
    public void ack() {
        delegate().ack();
        if (settled.compareAndSet(false, true)) {
            observer.acknowledged(consumer, eventType);
        }
    }

    @Override
    public void reject() {
        delegate().reject();
        if (settled.compareAndSet(false, true)) {
            observer.failed(consumer, eventType);
        }
    }
}
