package io.eventbus.transport.memory;

import java.util.Map;

import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.SettlingDelivery;

/** A message of an in-memory topic handed to one group member; settles into the group's pending list. */
final class MemoryDelivery extends SettlingDelivery {

    private final MemoryGroup group;
    private final MemoryTopic topic;
    private final long offset;
    private final OutboundMessage message;
    private final int deliveryCount;
    private final long redeliveryDelayMillis;

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
    protected void onAck() {
        underTopicLock(() -> group.ack(offset));
    }

    @Override
    protected void onReject() {
        underTopicLock(() -> group.reject(offset, redeliveryDelayMillis));
    }

    /** The group's state is guarded by its topic's lock, which also wakes members waiting for a redelivery. */
    private void underTopicLock(Runnable change) {
        topic.lock().lock();
        try {
            change.run();
        } finally {
            topic.lock().unlock();
        }
    }
}
