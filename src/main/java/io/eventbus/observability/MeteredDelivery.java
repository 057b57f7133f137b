package io.eventbus.observability;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.eventbus.bus.Delivery;

/**
 * A delivery that counts how it is settled: {@code acknowledged} or {@code failed} (rejected for redelivery). Only
 * the first settlement counts, as only the first settles.
 */
public final class MeteredDelivery implements Delivery {

    private final Delivery delivery;
    private final BusMetrics metrics;
    private final ConsumerTags consumer;
    private final String eventType;
    private final AtomicBoolean settled = new AtomicBoolean();

    public MeteredDelivery(Delivery delivery, BusMetrics metrics, ConsumerTags consumer, String eventType) {
        this.delivery = delivery;
        this.metrics = metrics;
        this.consumer = consumer;
        this.eventType = eventType;
    }

    @Override
    public String id() {
        return delivery.id();
    }

    @Override
    public byte[] body() {
        return delivery.body();
    }

    @Override
    public Map<String, String> headers() {
        return delivery.headers();
    }

    @Override
    public String header(String name) {
        return delivery.header(name);
    }

    @Override
    public int deliveryCount() {
        return delivery.deliveryCount();
    }

    @Override
    public void ack() {
        delivery.ack();
        if (settled.compareAndSet(false, true)) {
            metrics.acknowledged(consumer, eventType);
        }
    }

    @Override
    public void reject() {
        delivery.reject();
        if (settled.compareAndSet(false, true)) {
            metrics.failed(consumer, eventType);
        }
    }
}
