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
        out.printf(Locale.ROOT, "%-40s %12s %10s %10s %12s%n", "", "events/s", "p50 ms", "p99 ms", "cpu µs/event");
        for (Measurement m : median) {
            out.printf(Locale.ROOT, "%-40s %12.0f %10.3f %10.3f %12s%n", m.label(), m.eventsPerSecond(),
                    m.latencies().percentileMillis(50), m.latencies().percentileMillis(99),
                    Double.isNaN(m.cpuMicrosPerEvent()) ? "-" : String.format(Locale.ROOT, "%.1f",
                            m.cpuMicrosPerEvent()));
        }
        if (benchmark.cpuScope() != null) {
            out.printf(Locale.ROOT, "cpu: %s, over the measured time; median cpu ratio (bus/raw) %.2f%n",
                    benchmark.cpuScope(), medianCpuRatio(rounds));
        }
        StringJoiner all = new StringJoiner(", ");
        rounds.forEach(pair -> all.add(String.format(Locale.ROOT, "%.2f", throughputRatio(pair))));
        out.printf(Locale.ROOT, "ratio %s: throughput %.2f of raw (rounds: %s), p50 %.2fx, p99 %.2fx%n",
                benchmark.name(), throughputRatio(median), all,
                ratio(bus.latencies().percentileMillis(50), raw.latencies().percentileMillis(50)),
                ratio(bus.latencies().percentileMillis(99), raw.latencies().percentileMillis(99)));
    }

    /** The median over the rounds of the bus's CPU per event over the baseline's. */
    private static double medianCpuRatio(List<List<Measurement>> rounds) {
        double[] ratios = rounds.stream()
                .mapToDouble(pair -> pair.get(1).cpuMicrosPerEvent() / pair.get(0).cpuMicrosPerEvent()).sorted()
                .toArray();
        return ratios[(ratios.length - 1) / 2];
    }

    static double throughputRatio(List<Measurement> pair) {
        return pair.get(1).eventsPerSecond() / pair.get(0).eventsPerSecond();
    }

    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
