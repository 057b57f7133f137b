package io.eventbus.transport.memory;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.eventbus.transport.Delivery;
import io.eventbus.transport.OutboundMessage;

/** A message of an in-memory topic handed to one group member; settles into the group's pending list. */
final class MemoryDelivery implements Delivery {

    private final MemoryGroup group;
    private final MemoryTopic topic;
    private final long offset;
    private final OutboundMessage message;
    private final int deliveryCount;
    private final long redeliveryDelayMillis;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final CountDownLatch settledLatch = new CountDownLatch(1);

    MemoryDelivery(MemoryGroup group, MemoryTopic topic, long offset, OutboundMessage message, int deliveryCount,
            long redeliveryDelayMillis) {
        this.group = group;
        this.topic = topic;
        this.offset = offset;
        this.message = message;
        this.deliveryCount = deliveryCount;
        this.redeliveryDelayMillis = redeliveryDelayMillis;
    }

    @Override
    public String id() {
        return topic.name() + "/" + offset;
    }

    @Override
    public byte[] body() {
        return message.body();
    }

    @Override
    public Map<String, String> headers() {
        return message.headers();
    }

    @Override
    public int deliveryCount() {
        return deliveryCount;
    }

    @Override
    public void ack() {
        settle(true);
    }

    @Override
    public void reject() {
        settle(false);
    }

    /** Blocks the delivering worker until the exchange has settled, which bounds in-flight work per member. */
    void awaitSettled() throws InterruptedException {
        settledLatch.await();
    }

    private void settle(boolean ack) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        topic.lock().lock();
        try {
            if (ack) {
                group.ack(offset);
            } else {
                group.reject(offset, redeliveryDelayMillis);
            }
        } finally {
            topic.lock().unlock();
            settledLatch.countDown();
        }
    }
}
