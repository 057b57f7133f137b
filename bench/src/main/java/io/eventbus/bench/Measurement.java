package io.eventbus.bench;

import java.util.List;

/**
 * One measured run of one row: how many events went end to end in how long, their latencies, and the CPU time spent.
 *
 * @param key         the row's stable name within its benchmark ({@code bus}, {@code kafka-clients}, ...): what the
 *                    report compares and the JSON names
 * @param label       what ran, for people ("raw Lettuce", "bus: over redis-streams")
 * @param events      events that completed
 * @param nanos       wall time from the first publish to the last completion
 * @param latencies   per-event latency, of the kind {@code latencyKind} says
 * @param cpuNanos    CPU time spent over the run ({@link CpuClock}), or -1 when not measured
 * @param latencyKind what {@code latencies} measure
 * @param sendToAck   per-event time from send to the broker's acknowledgement, where the row measured it beside its
 *                    end-to-end latency; null otherwise
 */
public record Measurement(String key, String label, long events, long nanos, LatencyRecorder latencies,
        long cpuNanos, LatencyKind latencyKind, LatencyRecorder sendToAck) {

    /** End-to-end latencies, nothing else. */
    public Measurement(String key, String label, long events, long nanos, LatencyRecorder latencies, long cpuNanos) {
        this(key, label, events, nanos, latencies, cpuNanos, LatencyKind.END_TO_END, null);
    }

    /** Two runs of the same kind as one: their events, times and CPU added, their latencies together. */
    public static Measurement combine(String label, Measurement a, Measurement b) {
        LatencyRecorder latencies = new LatencyRecorder(a.latencies().count() + b.latencies().count());
        latencies.addAll(a.latencies());
        latencies.addAll(b.latencies());
        return new Measurement(a.key(), label, a.events() + b.events(), a.nanos() + b.nanos(), latencies,
                a.cpuNanos() < 0 || b.cpuNanos() < 0 ? -1 : a.cpuNanos() + b.cpuNanos(), a.latencyKind(), null);
    }

    /** The row of that key in a round's measurements, or null. */
    public static Measurement find(List<Measurement> round, String key) {
        for (Measurement m : round) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }

    public double eventsPerSecond() {
        return events / (nanos / 1e9);
    }

    /** CPU microseconds per event, or NaN when not measured. */
    public double cpuMicrosPerEvent() {
        return cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / events;
    }
}
