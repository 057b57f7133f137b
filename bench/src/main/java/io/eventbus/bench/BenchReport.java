package io.eventbus.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints a benchmark pair as a table, then the bus-to-baseline throughput ratio as the last line. */
final class BenchReport {

    private BenchReport() {
    }

    static void print(Benchmark benchmark, BenchOptions options, List<Measurement> pair, PrintStream out) {
        Measurement raw = pair.get(0);
        Measurement bus = pair.get(1);
        out.printf(Locale.ROOT, "%s: %s%n", benchmark.name(), benchmark.description());
        out.printf(Locale.ROOT, "%d events, %d warm-up, %d-byte payload, %d cores%n", options.events(),
                options.warmup(), options.payloadBytes(), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-40s %12s %10s %10s%n", "", "events/s", "p50 ms", "p99 ms");
        for (Measurement m : pair) {
            out.printf(Locale.ROOT, "%-40s %12.0f %10.3f %10.3f%n", m.label(), m.eventsPerSecond(),
                    m.latencies().percentileMillis(50), m.latencies().percentileMillis(99));
        }
        out.printf(Locale.ROOT, "ratio %s: throughput %.2f of raw, p50 %.2fx, p99 %.2fx%n", benchmark.name(),
                bus.eventsPerSecond() / raw.eventsPerSecond(),
                ratio(bus.latencies().percentileMillis(50), raw.latencies().percentileMillis(50)),
                ratio(bus.latencies().percentileMillis(99), raw.latencies().percentileMillis(99)));
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
