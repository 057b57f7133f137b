package io.eventbus.transport.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.eventbus.bus.OutboundMessage;
import io.eventbus.bus.StartPosition;
import io.eventbus.bus.TopicStats;

/**
 * One topic of the in-memory transport: a bounded log of messages with, per consumer group, a cursor and a
 * pending list — the same model as a Redis stream with consumer groups.
 * <p>
 * The log keeps at most {@code capacity} messages. When it is full, the oldest message is dropped only if every
 * group has acknowledged it (with no group, it is simply the oldest retained); otherwise {@link #append} waits for
 * acknowledgements, which is the transport's back-pressure, and fails after the publish timeout. One lock guards
 * the topic; consumers wait on {@code deliverable}, publishers on {@code space}.
 */
final class MemoryTopic {

    private final String name;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition deliverable = lock.newCondition();
    private final Condition space = lock.newCondition();
    /** The log as a ring buffer: offset {@code o} lives at {@code o % capacity}. */
    private final OutboundMessage[] log;
    private int size;
    private final Map<String, MemoryGroup> groups = new ConcurrentHashMap<>();
    /** Offset of the first message in {@link #log}. */
    private long firstOffset;
    /**
     * Offsets taken out of the log by {@link #remove} (a replayed or purged dead letter): groups skip them, browsing
     * hides them; they are forgotten as the log drops its oldest messages.
     */
    private final java.util.NavigableSet<Long> removed = new java.util.TreeSet<>();

    MemoryTopic(String name, int capacity) {
        this.name = name;
        this.capacity = capacity;
        this.log = new OutboundMessage[capacity];
    }

    String name() {
        return name;
    }

    /** Appends the message, waiting up to {@code timeoutMillis} for room; returns its offset. */
    long append(OutboundMessage message, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (size >= capacity && !dropOldestIfConsumed()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new MemoryTopicFullException(fullMessage(timeoutMillis));
                }
                space.awaitNanos(remaining);
            }
            long offset = nextOffset();
            log[slot(offset)] = message;
            size++;
            deliverable.signalAll();
            return offset;
        } finally {
            lock.unlock();
        }
    }

    /** The group, created at the start position if it does not exist yet. */
    MemoryGroup group(String group, StartPosition start) {
        lock.lock();
        try {
            return groups.computeIfAbsent(group,
                    g -> new MemoryGroup(this, g, start == StartPosition.EARLIEST ? firstOffset : nextOffset()));
        } finally {
            lock.unlock();
        }
    }

    /** How many messages the log holds now. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Length, and lag and pending per group (all groups when {@code only} is empty), read under the lock. */
    TopicStats stats(Set<String> only, Map<String, Integer> consumersPerGroup) {
        lock.lock();
        try {
            List<TopicStats.GroupStats> stats = new ArrayList<>();
            for (MemoryGroup group : new TreeMap<>(groups).values()) {
                if (only.isEmpty() || only.contains(group.name())) {
                    stats.add(new TopicStats.GroupStats(group.name(), group.lag(), (long) group.pendingCount(),
                            consumersPerGroup.getOrDefault(group.name(), 0)));
                }
            }
            return new TopicStats(name, (long) size - removed.size(), stats, Map.of("capacity", capacity));
        } finally {
            lock.unlock();
        }
    }

    /** The retained messages with their offsets, oldest first, without removed ones; at most {@code limit}. */
    List<Map.Entry<Long, OutboundMessage>> entries(int limit) {
        lock.lock();
        try {
            List<Map.Entry<Long, OutboundMessage>> entries = new ArrayList<>();
            for (long offset = firstOffset; offset < nextOffset() && entries.size() < limit; offset++) {
                if (!removed.contains(offset)) {
                    entries.add(Map.entry(offset, messageAt(offset)));
                }
            }
            return entries;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the message at the offset out: no group receives it any more, and browsing no longer shows it. */
    void remove(long offset) {
        lock.lock();
        try {
            if (offset >= firstOffset && offset < nextOffset()) {
                removed.add(offset);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True when the message at the offset was removed. Caller holds the lock. */
    boolean isRemoved(long offset) {
        return !removed.isEmpty() && removed.contains(offset);
    }

    ReentrantLock lock() {
        return lock;
    }

    Condition deliverable() {
        return deliverable;
    }

    Condition space() {
        return space;
    }

    /** The offset the next appended message gets. Caller holds the lock. */
    long nextOffset() {
        return firstOffset + size;
    }

    /** The message at the offset, which a group's cursor or pending list still holds. Caller holds the lock. */
    OutboundMessage messageAt(long offset) {
        return log[slot(offset)];
    }

    private int slot(long offset) {
        return (int) (offset % capacity);
    }

    private boolean dropOldestIfConsumed() {
        for (MemoryGroup group : groups.values()) {
            if (group.lowWatermark() <= firstOffset) {
                return false;
            }
        }
        log[slot(firstOffset)] = null;
        removed.remove(firstOffset);
        firstOffset++;
        size--;
        return true;
    }

    private String fullMessage(long timeoutMillis) {
        StringBuilder holders = new StringBuilder();
        groups.values().stream().filter(g -> g.lowWatermark() <= firstOffset)
                .forEach(g -> holders.append(holders.length() == 0 ? "" : ", ").append('\'').append(g.name()).append('\''));
        return "in-memory topic '" + name + "' is full: " + size + " events retained (eventbus.memory.capacity="
                + capacity + ") and consumer group " + holders + " has not acknowledged the oldest; gave up after "
                + timeoutMillis + " ms (eventbus.memory.publish-timeout)";
    }
}
