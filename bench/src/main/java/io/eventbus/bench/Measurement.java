package io.eventbus.bench;

/**
 * One measured run: how many events went end to end in how long, and their latencies.
 *
 * @param label     what ran ("raw Lettuce", "bus: over redis-streams:")
 * @param events    events that completed
 * @param nanos     wall time from the first publish to the last completion
 * @param latencies per-event latency from publish to completion
 * @param cpuNanos  CPU time spent over the run ({@link CpuClock}), or -1 when not measured
 */
public record Measurement(String label, long events, long nanos, LatencyRecorder latencies, long cpuNanos) {

    public Measurement(String label, long events, long nanos, LatencyRecorder latencies) {
        this(label, events, nanos, latencies, -1);
    }

    /** Two runs of the same kind as one: their events, times and CPU added, their latencies together. */
    public static Measurement combine(String label, Measurement a, Measurement b) {
        LatencyRecorder latencies = new LatencyRecorder(a.latencies().count() + b.latencies().count());
        latencies.addAll(a.latencies());
        latencies.addAll(b.latencies());
        return new Measurement(label, a.events() + b.events(), a.nanos() + b.nanos(), latencies,
                a.cpuNanos() < 0 || b.cpuNanos() < 0 ? -1 : a.cpuNanos() + b.cpuNanos());
    }

    public double eventsPerSecond() {
        return events / (nanos / 1e9);
    }

    /** CPU microseconds per event, or NaN when not measured. */
    public double cpuMicrosPerEvent() {
        return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / events;
    }
}
