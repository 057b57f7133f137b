package io.eventbus.observability;

import java.util.concurrent.atomic.AtomicBoolean;

import io.eventbus.transport.Delivery;
import io.eventbus.transport.ForwardingDelivery;

/**
 * A delivery that counts how it is settled: {@code acknowledged} or {@code failed} (rejected for redelivery). Only
 * the first settlement counts, as only the first settles.
 */
public final class MeteredDelivery extends ForwardingDelivery {

    private final BusMetrics metrics;
    private final ConsumerTags consumer;
    private final String eventType;
    private final AtomicBoolean settled = new AtomicBoolean();

    public MeteredDelivery(Delivery delivery, BusMetrics metrics, ConsumerTags consumer, String eventType) {
        super(delivery);
        this.metrics = metrics;
        this.consumer = consumer;
        this.eventType = eventType;
    }

    @Override
    public void ack() {
        delegate().ack();
        if (settled.compareAndSet(false, true)) {
            metrics.acknowledged(consumer, eventType);
        }
    }

    @Override
    public void reject() {
        delegate().reject();
        if (settled.compareAndSet(false, true)) {
            metrics.failed(consumer, eventType);
        }
    }
}
