package io.eventbus.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * End-to-end latencies of one run, in nanoseconds, recorded from any thread without locking (each recording takes
 * the next slot). Sized for the run up front so recording never allocates.
 * <p>
 * A recorder made {@link #ofSummary from a tool's summary} holds only what the tool reported (its median and 99th
 * percentile): asked for any other percentile it answers NaN, so that the report shows "not measured" instead of a
 * figure the tool never gave.
 */
public final class LatencyRecorder {

    private final long[] nanos;
    private final AtomicInteger count = new AtomicInteger();
    private final boolean summaryOnly;

    public LatencyRecorder(int capacity) {
        this(capacity, false);
    }

    private LatencyRecorder(int capacity, boolean summaryOnly) {
        this.nanos = new long[capacity];
        this.summaryOnly = summaryOnly;
    }

    /** A recorder that reproduces a tool's reported median and 99th percentile and knows no other percentile. */
    public static LatencyRecorder ofSummary(long p50Nanos, long p99Nanos) {
        LatencyRecorder summary = new LatencyRecorder(100, true);
        for (int i = 0; i < 100; i++) {
            summary.record(i < 98 ? p50Nanos : p99Nanos);
        }
        return summary;
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

    /**
     * The latency at the percentile (0..100) in milliseconds, nearest-rank; 0 when nothing was recorded, NaN when
     * this recorder holds a tool's summary that did not report that percentile.
     */
    public double percentileMillis(double percentile) {
        if (summaryOnly && percentile != 50 && percentile != 99) {
            return Double.NaN;
        }
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
