package io.eventbus.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which events of a run were processed: the first processing of each counts, a second (at-least-once may deliver
 * twice) is counted as a duplicate and not timed again. Lock-free, from any thread.
 */
final class DeliveryTracker {

    private final AtomicIntegerArray seen;
    private final CountDownLatch remaining;
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lastAt = new AtomicLong();

    DeliveryTracker(int events) {
        this.seen = new AtomicIntegerArray(events);
        this.remaining = new CountDownLatch(events);
    }

    /** Whether this is the event's first processing; records when it happened. */
    boolean first(int seq, long nowNanos) {
        if (!seen.compareAndSet(seq, 0, 1)) {
            duplicates.incrementAndGet();
            return false;
        }
        lastAt.accumulateAndGet(nowNanos, Math::max);
        remaining.countDown();
        return true;
    }

    /** Waits until every event was processed; false on timeout. */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return remaining.await(timeout, unit);
    }

    long missing() {
        return remaining.getCount();
    }

    long duplicates() {
        return duplicates.get();
    }

    /** When the last first processing happened ({@link System#nanoTime()}). */
    long lastAt() {
        return lastAt.get();
    }
}
