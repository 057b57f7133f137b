package io.eventbus.transport;

import java.util.Map;

/**
 * A delivery that passes everything to another one: the base of wrappers that watch how a delivery is settled (the
 * bus's meters, tests) and override only {@link #ack()} and {@link #reject()}.
 */
public abstract class ForwardingDelivery implements Delivery {

    private final Delivery delivery;

    protected ForwardingDelivery(Delivery delivery) {
        this.delivery = delivery;
    }

    /** The delivery this one passes to. */
    protected final Delivery delegate() {
        return delivery;
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
    }

    @Override
    public void reject() {
        delivery.reject();
    }
}
