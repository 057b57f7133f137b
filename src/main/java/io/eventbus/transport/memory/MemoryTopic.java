package io.eventbus.transport.memory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.TopicStats;

/**
 * One topic of the in-memory transport: a bounded log of messages with, per consumer group, a cursor and a
 * pending list — the same model as a Redis stream with consumer groups.
 * <p>
 * The log keeps at most {@code capacity} messages. When it is full, the oldest message is dropped only if every
 * group has acknowledged it (with no group, it is simply the oldest retained); otherwise {@link #append} waits for
 * acknowledgements, which is the transport's back-pressure, and fails after the publish timeout. One lock guards
 * the topic; consumers wait on {@code deliverable}, publishers on {@code space}.
 * <p>
 * A group that nobody consumes any more would hold the log, and so block publishers, for ever. With
 * {@code abandonAfterMillis} above 0, every publish first drops each group that has had no member for that long
 * (logged at WARN with what it had not received); {@link #deleteGroup} drops one on request.
 */
final class MemoryTopic {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryTopic.class);
    private static final long DROP_WARNING_INTERVAL_MILLIS = 60_000;

    private final String name;
    private final int capacity;
    private final Clock clock;
    /** Events dropped from the log while no group existed, and when that was last reported. Under the lock. */
    private long droppedUnread;
    private long lastDropWarning = Long.MIN_VALUE / 2;
    /** 0: groups are never dropped for want of members. */
    private final long abandonAfterMillis;
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

    /**
     * @param clock              tells how long a group has had no member
     * @param abandonAfterMillis how long a group may have no member before a publish drops it; 0: never
     */
    MemoryTopic(String name, int capacity, Clock clock, long abandonAfterMillis) {
        this.name = name;
        this.capacity = capacity;
        this.clock = clock;
        this.abandonAfterMillis = abandonAfterMillis;
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
            if (abandonAfterMillis > 0) {
                dropAbandonedGroups();
            }
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
            return groups.computeIfAbsent(group, g -> new MemoryGroup(this, g,
                    start == StartPosition.EARLIEST ? firstOffset : nextOffset(), clock.millis()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * A started member joins the group, which is created again at the start position if it was dropped meanwhile;
     * while it has a member a group is never dropped.
     */
    MemoryGroup attach(String group, StartPosition start) {
        lock.lock();
        try {
            MemoryGroup joined = group(group, start);
            joined.attach();
            return joined;
        } finally {
            lock.unlock();
        }
    }

    /** A member stopped; with none left, the group's time without members starts. */
    void detach(MemoryGroup group) {
        lock.lock();
        try {
            group.detach(clock.millis());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the group: it no longer holds the log, its pending messages are forgotten, and publishers waiting for
     * room may go on. Refuses while it has a member; false when there is no such group.
     */
    boolean deleteGroup(String group) {
        lock.lock();
        try {
            MemoryGroup dropped = groups.get(group);
            if (dropped == null) {
                return false;
            }
            if (dropped.hasMembers()) {
                throw new GroupInUseException("consumer group '" + group + "' of in-memory topic '" + name
                        + "' has a member attached; stop its consumer first");
            }
            groups.remove(group);
            space.signalAll();
            return true;
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
                            consumersPerGroup.getOrDefault(group.name(), 0), group.idleMillis(clock.millis()), null));
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

    /**
     * Up to {@code limit} retained messages with their offsets, newest first, starting just below offset
     * {@code before} (null: the newest), without removed ones: one page, read without copying the log.
     */
    List<Map.Entry<Long, OutboundMessage>> newest(Long before, int limit) {
        lock.lock();
        try {
            List<Map.Entry<Long, OutboundMessage>> entries = new ArrayList<>();
            long start = before == null ? nextOffset() - 1 : Math.min(before - 1, nextOffset() - 1);
            for (long offset = start; offset >= firstOffset && entries.size() < limit; offset--) {
                if (!removed.contains(offset)) {
                    entries.add(Map.entry(offset, messageAt(offset)));
                }
            }
            return entries;
        } finally {
            lock.unlock();
        }
    }

    /** Retained messages not removed. */
    long retained() {
        lock.lock();
        try {
            return (long) size - removed.size();
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

    /** Drops every group without a member for {@code abandonAfterMillis} or longer. Caller holds the lock. */
    private void dropAbandonedGroups() {
        long now = clock.millis();
        for (Iterator<MemoryGroup> it = groups.values().iterator(); it.hasNext();) {
            MemoryGroup group = it.next();
            long idle = group.idleMillis(now);
            if (!group.hasMembers() && idle >= abandonAfterMillis) {
                it.remove();
                space.signalAll();
                LOG.warn("Dropped consumer group '{}' of in-memory topic '{}': no member for {} ms "
                        + "(eventbus.groups.abandon-after={}); it had not received {} events (lag) and had {} "
                        + "unacknowledged", group.name(), name, idle, abandonAfterMillis, group.lag(),
                        group.pendingCount());
            }
        }
    }

    private boolean dropOldestIfConsumed() {
        for (MemoryGroup group : groups.values()) {
            if (group.lowWatermark() <= firstOffset) {
                return false;
            }
        }
        if (groups.isEmpty()) {
            reportDroppedUnread();
        }
        log[slot(firstOffset)] = null;
        removed.remove(firstOffset);
        firstOffset++;
        size--;
        return true;
    }

    /**
     * A topic no group reads keeps its newest {@code capacity} events: there is nobody to wait for. Those it drops
     * were read by no one (a group created later with {@code startFrom=EARLIEST}, or {@code eventbus dlq} on a
     * dead-letter topic, would have seen them), so it says so, at most once a minute, with the count so far.
     */
    private void reportDroppedUnread() {
        droppedUnread++;
        long now = clock.millis();
        if (now - lastDropWarning >= DROP_WARNING_INTERVAL_MILLIS) {
            lastDropWarning = now;
            LOG.warn("In-memory topic '{}' is at its capacity of {} events and no consumer group reads it: its oldest "
                    + "events are dropped unread ({} so far; eventbus.memory.capacity; repeated at most once a "
                    + "minute)", name, capacity, droppedUnread);
        }
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
