package io.eventbus.transport.memory;

import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.eventbus.transport.OutboundMessage;

/**
 * A consumer group's state on one in-memory topic: the cursor of the next message never delivered to the group,
 * and the pending list of messages delivered but not yet acknowledged (Redis's PEL). A rejected message waits
 * in the pending list until its redelivery time, then goes to whichever member asks first. All methods are called
 * with the topic's lock held.
 */
final class MemoryGroup {

    private final MemoryTopic topic;
    private final String name;
    private long cursor;
    /** Members started and not yet stopped; with none since {@link #memberlessSince}, the group may be abandoned. */
    private int members;
    private long memberlessSince;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private final PriorityQueue<Pending> redeliveries = new PriorityQueue<>(
            (a, b) -> a.availableAt != b.availableAt ? Long.compare(a.availableAt, b.availableAt)
                    : Long.compare(a.offset, b.offset));

    MemoryGroup(MemoryTopic topic, String name, long cursor, long createdAtMillis) {
        this.topic = topic;
        this.name = name;
        this.cursor = cursor;
        this.memberlessSince = createdAtMillis;
    }

    String name() {
        return name;
    }

    /** The lowest offset this group still needs: the oldest pending message, else the cursor. */
    long lowWatermark() {
        return pending.isEmpty() ? cursor : Math.min(cursor, pending.firstKey());
    }

    void attach() {
        members++;
    }

    void detach(long nowMillis) {
        members = Math.max(0, members - 1);
        if (members == 0) {
            memberlessSince = nowMillis;
        }
    }

    boolean hasMembers() {
        return members > 0;
    }

    /** How long the group has had no member, 0 while it has one. */
    long idleMillis(long nowMillis) {
        return members > 0 ? 0 : Math.max(0, nowMillis - memberlessSince);
    }

    /** How many messages are delivered and not yet acknowledged. */
    int pendingCount() {
        return pending.size();
    }

    /** How many messages the group has not received yet. */
    long lag() {
        return topic.nextOffset() - cursor;
    }

    /**
     * Waits up to {@code timeoutNanos} for a message this group can deliver: a due redelivery first, then the
     * message at the cursor. Returns null on timeout, or once {@code wanted} turns false (checked under the lock,
     * so a consumer that stopped takes nothing more). Caller holds the topic lock.
     */
    MemoryDelivery take(long timeoutNanos, long redeliveryDelayMillis, BooleanSupplier wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (wanted.getAsBoolean()) {
            long now = System.nanoTime();
            Pending due = redeliveries.peek();
            if (due != null && due.availableAt - now <= 0) {
                redeliveries.poll();
                if (topic.isRemoved(due.offset)) {
                    ack(due.offset);
                    continue;
                }
                due.deliveryCount++;
                return delivery(due, redeliveryDelayMillis);
            }
            while (cursor < topic.nextOffset() && topic.isRemoved(cursor)) {
                cursor++;
            }
            if (cursor < topic.nextOffset()) {
                Pending fresh = new Pending(cursor++);
                fresh.deliveryCount = 1;
                pending.put(fresh.offset, fresh);
                return delivery(fresh, redeliveryDelayMillis);
            }
            long wait = deadline - now;
            if (due != null) {
                wait = Math.min(wait, due.availableAt - now);
            }
            if (deadline - now <= 0) {
                return null;
            }
            topic.deliverable().awaitNanos(wait);
        }
        return null;
    }

    void ack(long offset) {
        if (pending.remove(offset) != null) {
            topic.space().signalAll();
        }
    }

    void reject(long offset, long redeliveryDelayMillis) {
        Pending entry = pending.get(offset);
        if (entry != null) {
            entry.availableAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(redeliveryDelayMillis);
            redeliveries.add(entry);
            topic.deliverable().signalAll();
        }
    }

    private MemoryDelivery delivery(Pending entry, long redeliveryDelayMillis) {
        OutboundMessage message = topic.messageAt(entry.offset);
        return new MemoryDelivery(this, topic, entry.offset, message, entry.deliveryCount, redeliveryDelayMillis);
    }

    private static final class Pending {
        final long offset;
        int deliveryCount;
        long availableAt;

        Pending(long offset) {
            this.offset = offset;
        }
    }
}
