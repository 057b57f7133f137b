package io.eventbus.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs one benchmark pair by name:
 * {@code bench/run <name> [--events N] [--warmup N] [--payload-bytes N] [--rounds N]} ({@code redis} also
 * {@code [--format <envelope|mapping>]}), or a soak of one transport:
 * {@code bench/run <name> --soak 30m --rate 1000} ({@link Soak}).
 * Never run by the tests: throughput and latency are measured here, as ratios against the raw client in the same
 * run, and nowhere else.
 */
public final class Bench {

    private static final Map<String, Supplier<Benchmark>> BENCHMARKS = new TreeMap<>();

    static {
        BENCHMARKS.put("memory", MemoryBenchmark::new);
        BENCHMARKS.put("redis", RedisBenchmark::new);
        BENCHMARKS.put("kafka", KafkaBenchmark::new);
        BENCHMARKS.put("rabbitmq", RabbitMqBenchmark::new);
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !BENCHMARKS.containsKey(args[0])) {
            System.err.println("usage: bench/run <" + String.join("|", BENCHMARKS.keySet()) + "> "
                    + BenchOptions.USAGE);
            System.exit(2);
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(new ArrayList<>(Arrays.asList(args).subList(1, args.length)));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.soak() != null) {
            System.exit(new Soak(args[0], options).run() ? 0 : 1);
            return;
        }
        Benchmark benchmark = BENCHMARKS.get(args[0]).get();
        if (options.format() != null && !benchmark.supportsFormat()) {
            System.err.println("--format is taken by the redis pair only");
            System.exit(2);
        }
        List<List<Measurement>> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            List<Measurement> pair = benchmark.run(options);
            rounds.add(pair);
            System.out.printf(Locale.ROOT, "round %d of %d: raw %.0f events/s, bus %.0f events/s, ratio %.2f%s%s%n",
                    round, options.rounds(), pair.get(0).eventsPerSecond(), pair.get(1).eventsPerSecond(),
                    BenchReport.throughputRatio(pair), Double.isNaN(pair.get(1).cpuMicrosPerEvent()) ? ""
                            : String.format(Locale.ROOT, "; cpu per event raw %.1f µs, bus %.1f µs",
                                    pair.get(0).cpuMicrosPerEvent(), pair.get(1).cpuMicrosPerEvent()),
                    benchmark.roundNote(pair));
        }
        BenchReport.print(benchmark, options, rounds, System.out);
        benchmark.printSummary(options, rounds, System.out);
        System.exit(0);
    }
}
