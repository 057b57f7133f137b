package io.eventbus.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** Prints the median round of a benchmark pair as a table, then the bus-to-raw throughput ratio as the last line. */
final class BenchReport {

    private BenchReport() {
    }

    /**
     * Prints the round whose throughput ratio is the median of all rounds (the lower middle one for an even count),
     * then the ratio line, naming every round's ratio.
     */
    static void print(Benchmark benchmark, BenchOptions options, List<List<Measurement>> rounds, PrintStream out) {
        List<List<Measurement>> byRatio = new ArrayList<>(rounds);
        byRatio.sort(Comparator.comparingDouble(BenchReport::throughputRatio));
        List<Measurement> median = byRatio.get((byRatio.size() - 1) / 2);
        Measurement raw = median.get(0);
        Measurement bus = median.get(1);
        out.printf(Locale.ROOT, "%s: %s%n", benchmark.name(), benchmark.description());
        out.printf(Locale.ROOT, "%d events, %d warm-up, %d-byte payload, %d cores; the median of %d rounds%n",
                options.events(), options.warmup(), options.payloadBytes(), Runtime.getRuntime().availableProcessors(),
                rounds.size());
        out.printf(Locale.ROOT, "%-40s %12s %10s %10s%n", "", "events/s", "p50 ms", "p99 ms");
        for (Measurement m : median) {
            out.printf(Locale.ROOT, "%-40s %12.0f %10.3f %10.3f%n", m.label(), m.eventsPerSecond(),
                    m.latencies().percentileMillis(50), m.latencies().percentileMillis(99));
        }
        StringJoiner all = new StringJoiner(", ");
        rounds.forEach(pair -> all.add(String.format(Locale.ROOT, "%.2f", throughputRatio(pair))));
        out.printf(Locale.ROOT, "ratio %s: throughput %.2f of raw (rounds: %s), p50 %.2fx, p99 %.2fx%n",
                benchmark.name(), throughputRatio(median), all,
                ratio(bus.latencies().percentileMillis(50), raw.latencies().percentileMillis(50)),
                ratio(bus.latencies().percentileMillis(99), raw.latencies().percentileMillis(99)));
    }

    static double throughputRatio(List<Measurement> pair) {
        return pair.get(1).eventsPerSecond() / pair.get(0).eventsPerSecond();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
