package io.eventbus.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs one benchmark by name:
 * {@code bench/run <name> [--events N] [--warmup N] [--payload-bytes N] [--rounds N] [--json]} ({@code redis} also
 * {@code [--format <envelope|mapping>]}): the bus and its peer rows at full speed ({@link BenchReport});
 * {@code bench/run <name> --rate N [--events N | --duration D]}: their latency at a fixed rate
 * ({@link FixedRateBench}); or a soak of one transport: {@code bench/run <name> --soak 30m --rate 1000}
 * ({@link Soak}: {@code --soak} decides the mode); or how late delayed events arrive:
 * {@code bench/run <name> --delayed --rate 1000 [--delay 2000] [--duration 20s]} ({@link DelayedDeliveryBench}). Never run by the tests: throughput and latency are measured here,
 * as ratios against the peers in the same run, and nowhere else.
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
        if (options.delayed()) {
            System.exit(new DelayedDeliveryBench(args[0], options).run(System.out) ? 0 : 1);
            return;
        }
        if (options.soak() != null) {
            System.exit(new Soak(args[0], options).run() ? 0 : 1);
            return;
        }
        Benchmark benchmark = BENCHMARKS.get(args[0]).get();
        if ((options.format() != null || options.protects()) && !benchmark.supportsFormat()) {
            System.err.println("--format, --compression and --encryption are taken by the redis benchmark only");
            System.exit(2);
        }
        if (options.fixedRate()) {
            if (benchmark.fixedRateRows(options).isEmpty()) {
                System.err.println("--rate measures latency at a fixed rate on redis, rabbitmq and kafka; "
                        + benchmark.name() + " has no fixed-rate rows");
                System.exit(2);
            }
            FixedRateBench fixedRate = new FixedRateBench(benchmark, options);
            fixedRate.run(System.out);
            fixedRate.print(System.out);
            if (options.json()) {
                System.out.println(BenchJson.line(fixedRate.toJson()));
            }
            System.exit(0);
        }
        List<List<Measurement>> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            List<Measurement> measured = benchmark.run(options);
            rounds.add(measured);
            System.out.println(BenchReport.roundLine(benchmark, round, options.rounds(), measured));
        }
        BenchReport report = new BenchReport(benchmark, options, rounds);
        report.print(System.out);
        benchmark.printSummary(options, rounds, System.out);
        if (options.json()) {
            // last, on one line: what a script comparing runs reads
            System.out.println(BenchJson.line(report.toJson()));
        }
        System.exit(0);
    }
}
