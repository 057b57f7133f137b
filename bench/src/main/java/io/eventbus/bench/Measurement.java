package io.eventbus.bench;

/**
 * One measured run: how many events went end to end in how long, and their latencies.
 *
 * @param label     what ran ("raw Lettuce", "bus: over redis-streams:")
 * @param events    events that completed
 * @param nanos     wall time from the first publish to the last completion
 * @param latencies per-event latency from publish to completion
 */
public record Measurement(String label, long events, long nanos, LatencyRecorder latencies) {

    public double eventsPerSecond() {
        return events / (nanos / 1e9);
    }
}
