package io.eventbus.transport.redis.streams;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The free places of a {@link StreamGroupMember}'s window: entries it may still read without holding more than the
 * window. One thread (the reader) waits until at least {@code readBatch} places are free; any thread frees places as
 * entries settle.
 * <p>
 * Not a {@link java.util.concurrent.Semaphore}: its every release wakes a waiter that wants more permits than are
 * free, so the reader woke once per settled entry only to find too little room and park again. Here it is woken
 * only when the free places reach {@code readBatch}.
 */
public final class ReadWindow {

    private final AtomicInteger free;
    private final int readBatch;
    private volatile Thread waiter;

    public ReadWindow(int size, int readBatch) {
        if (readBatch < 1 || readBatch > size) {
            throw new IllegalArgumentException("readBatch must be between 1 and the window size " + size);
        }
        this.free = new AtomicInteger(size);
        this.readBatch = readBatch;
    }

    /** Frees {@code places}; wakes the waiting reader when that makes {@code readBatch} places free. */
    public void release(int places) {
        if (places <= 0) {
            return;
        }
        int now = free.addAndGet(places);
        if (now >= readBatch && now - places < readBatch) {
            Thread reader = waiter;
            if (reader != null) {
                LockSupport.unpark(reader);
            }
        }
    }

    /**
     * Waits up to {@code timeout} until at least {@code readBatch} places are free, then takes as many as are free, up
     * to {@code max}.
     *
     * @return the places taken; 0 when too few were free within the timeout
     */
    public int take(int max, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        // published before the room is checked: a release that raises the room after the check sees it and unparks
        waiter = Thread.currentThread();
        try {
            while (free.get() < readBatch) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            while (true) {
                int now = free.get();
                int taken = Math.min(now, max);
                if (free.compareAndSet(now, now - taken)) {
                    return taken;
                }
            }
        } finally {
            waiter = null;
        }
    }

    /** The places free now; for tests and diagnostics. */
    public int free() {
        return free.get();
    }
}
