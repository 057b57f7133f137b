package io.eventbus.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end latencies of one run, in nanoseconds, recorded from any thread without locking (each recording takes
 * the next slot). Sized for the run up front so recording never allocates.
 */
public final class LatencyRecorder {

    private final long[] nanos;
    private final AtomicInteger count = new AtomicInteger();

    public LatencyRecorder(int capacity) {
        this.nanos = new long[capacity];
    }

    /** Records one latency; those past the capacity are dropped (a warm-up run larger than declared). */
    public void record(long latencyNanos) {
        int slot = count.getAndIncrement();
        if (slot < nanos.length) {
            nanos[slot] = latencyNanos;
        }
    }

    /** Records every latency the other recorder holds. */
    public void addAll(LatencyRecorder other) {
        for (int i = 0; i < other.count(); i++) {
            record(other.nanos[i]);
        }
    }

    public int count() {
        return Math.min(count.get(), nanos.length);
    }

    /** The latency at the percentile (0..100) in milliseconds, nearest-rank; 0 when nothing was recorded. */
    public double percentileMillis(double percentile) {
        int n = count();
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * n);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
