package io.eventbus.transport;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A delivery that counts its settle hooks, and can be told to fail them as a broker call would. */
class TestDelivery extends SettlingDelivery {

    final String id;
    final AtomicInteger acks = new AtomicInteger();
    final AtomicInteger rejects = new AtomicInteger();
    volatile RuntimeException hookFailure;

    TestDelivery(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] body() {
        return new byte[0];
    }

    @Override
    public Map<String, String> headers() {
        return Map.of();
    }

    @Override
    public int deliveryCount() {
        return 1;
    }

    @Override
    protected void onAck() {
        acks.incrementAndGet();
        failIfTold();
    }

    @Override
    protected void onReject() {
        rejects.incrementAndGet();
        failIfTold();
    }

    private void failIfTold() {
        if (hookFailure != null) {
            throw hookFailure;
        }
    }
}
