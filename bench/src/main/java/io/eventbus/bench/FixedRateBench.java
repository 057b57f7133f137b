package io.eventbus.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code bench/run <transport> --rate N}: latency at a fixed rate. Every fixed-rate row of the benchmark (the raw
 * client's application, the peers written on plain Camel endpoints, the bus) runs open-loop at N events/s
 * ({@link FixedRateRun}) after a warm-up at the same rate, each in turn, {@code --rounds} times. The report gives each
 * row's p50/p99/p99.9 from the intended send time (corrected for coordinated omission), the median over the rounds,
 * the bus's p99 against each other row's, and the targets: at 1,000 events/s the bus's p99 at most twice the raw
 * row's, and at most {@link Benchmark#fixedRateP99LimitMillis()}.
 */
final class FixedRateBench {

    /** The rate the latency targets are set for. */
    static final int TARGET_RATE = 1000;
    /** The most the bus's p99 may be, as a multiple of the raw row's. */
    static final double P99_AGAINST_RAW = 2.0;

    private final Benchmark benchmark;
    private final BenchOptions options;
    private final CpuClock cpu;
    private final List<List<FixedRateRun.Result>> rounds = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    FixedRateBench(Benchmark benchmark, BenchOptions options) {
        this.benchmark = benchmark;
        this.options = options;
        this.cpu = benchmark.cpuClock() != null ? benchmark.cpuClock() : CpuClock.jvm("this JVM");
    }

    /** Runs every row every round, printing a line per row run. */
    void run(PrintStream out) throws Exception {
        List<Supplier<EventPipeline>> rows = benchmark.fixedRateRows(options);
        out.printf(Locale.ROOT, "%s at %d events/s, open loop: %d events per row (%.0f s) after %d warm-up events, "
                + "%d sender threads%n", benchmark.name(), options.rate(), options.events(),
                (double) options.events() / options.rate(), options.warmup(), FixedRateRun.SENDERS);
        for (int round = 1; round <= options.rounds(); round++) {
            List<FixedRateRun.Result> results = new ArrayList<>();
            for (Supplier<EventPipeline> row : rows) {
                if (options.warmup() > 0) {
                    EventPipeline warmup = row.get();
                    FixedRateRun.run(warmup, topic(warmup, "warmup"),
                            BenchEvents.create(options.warmup(), options.payloadBytes()), options.rate(), cpu);
                }
                EventPipeline measured = row.get();
                FixedRateRun.Result result = FixedRateRun.run(measured, topic(measured, "run"),
                        BenchEvents.create(options.events(), options.payloadBytes()), options.rate(), cpu);
                results.add(result);
                out.printf(Locale.ROOT, "round %d of %d, %s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms (from the "
                        + "actual send: p99 %.3f ms); latest send %.3f ms late; %.1f µs cpu/event%s%n", round,
                        options.rounds(), result.key(), result.percentileMillis(50), result.percentileMillis(99),
                        result.percentileMillis(99.9), result.fromSend().getValueAtPercentile(99) / 1e6,
                        result.maxSendLagNanos() / 1e6, result.cpuMicrosPerEvent(),
                        result.duplicates() > 0 ? "; " + result.duplicates() + " processed twice" : "");
            }
            if (round == 1) {
                results.forEach(r -> keys.add(r.key()));
            }
            rounds.add(results);
        }
    }

    private static String topic(EventPipeline pipeline, String what) {
        return "bench-rate-" + pipeline.key() + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%s at %d events/s: latency from the intended send time to processing (corrected "
                + "for coordinated omission, HdrHistogram); %d events per row, %d warm-up, %d-byte payload, %d cores, "
                + "collectors %s; medians of %d rounds%n", benchmark.name(), options.rate(), options.events(),
                options.warmup(), options.payloadBytes(), Runtime.getRuntime().availableProcessors(),
                GarbageCollectors.names(), rounds.size());
        int width = Math.max(40, keys.stream().mapToInt(k -> first(k).label().length()).max().orElse(0));
        String row = "%-" + width + "s %9s %9s %9s %9s %14s %13s %12s%n";
        out.printf(Locale.ROOT, row, "", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "p99 from send", "send lag ms",
                "cpu µs/event");
        for (String key : keys) {
            out.printf(Locale.ROOT, row, first(key).label(), f3(median(key, r -> r.percentileMillis(50))),
                    f3(median(key, r -> r.percentileMillis(99))), f3(median(key, r -> r.percentileMillis(99.9))),
                    f3(median(key, r -> r.fromIntended().getMaxValue() / 1e6)),
                    f3(median(key, r -> r.fromSend().getValueAtPercentile(99) / 1e6)),
                    f3(median(key, r -> r.maxSendLagNanos() / 1e6)),
                    String.format(Locale.ROOT, "%.1f", median(key, FixedRateRun.Result::cpuMicrosPerEvent)));
        }
        out.printf(Locale.ROOT, "cpu: %s, over the run%n", cpu.scope());
        for (String key : keys) {
            if (!key.equals(Benchmark.BUS)) {
                double[] p99 = p99Ratios(key);
                StringBuilder each = new StringBuilder();
                for (double r : p99) {
                    each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r));
                }
                out.printf(Locale.ROOT, "bus / %s: p99 per round %s, median %.2fx%n", first(key).label(), each,
                        Stats.median(p99));
            }
        }
        String note = options.rate() == TARGET_RATE ? ""
                : String.format(Locale.ROOT, " (set for %,d events/s; this run was at %,d)", TARGET_RATE,
                        options.rate());
        double againstRaw = Stats.median(p99Ratios(benchmark.fixedRateRawKey()));
        double busP99 = median(Benchmark.BUS, r -> r.percentileMillis(99));
        out.printf(Locale.ROOT, "target%s: bus p99 <= %.0fx the p99 of %s: median ratio %.2f: %s%n", note,
                P99_AGAINST_RAW, first(benchmark.fixedRateRawKey()).label(), againstRaw,
                againstRaw <= P99_AGAINST_RAW ? "pass" : "miss");
        out.printf(Locale.ROOT, "target%s: bus p99 <= %.0f ms: median %.3f ms: %s%n", note,
                benchmark.fixedRateP99LimitMillis(), busP99,
                busP99 <= benchmark.fixedRateP99LimitMillis() ? "pass" : "miss");
    }

    /** Every row's figures per round and their medians, the bus's ratios and the targets, as one object. */
    ObjectNode toJson() {
        ObjectNode json = BenchJson.object();
        json.put("benchmark", benchmark.name());
        json.put("mode", "fixed-rate");
        json.put("rate", options.rate());
        json.put("events", options.events());
        json.put("warmup", options.warmup());
        json.put("payloadBytes", options.payloadBytes());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("collectors", GarbageCollectors.names());
        json.put("rounds", rounds.size());
        json.put("senders", FixedRateRun.SENDERS);
        json.put("latency", "intended send time to processing, corrected for coordinated omission");
        json.put("cpuScope", cpu.scope());
        ArrayNode rows = json.putArray("rows");
        for (String key : keys) {
            ObjectNode row = rows.addObject();
            row.put("key", key);
            row.put("label", first(key).label());
            ArrayNode each = row.putArray("rounds");
            for (List<FixedRateRun.Result> round : rounds) {
                FixedRateRun.Result r = find(round, key);
                ObjectNode figures = each.addObject();
                BenchJson.put(figures, "p50Ms", r.percentileMillis(50));
                BenchJson.put(figures, "p99Ms", r.percentileMillis(99));
                BenchJson.put(figures, "p999Ms", r.percentileMillis(99.9));
                BenchJson.put(figures, "maxMs", r.fromIntended().getMaxValue() / 1e6);
                BenchJson.put(figures, "p99FromSendMs", r.fromSend().getValueAtPercentile(99) / 1e6);
                BenchJson.put(figures, "maxSendLagMs", r.maxSendLagNanos() / 1e6);
                BenchJson.put(figures, "cpuMicrosPerEvent", r.cpuMicrosPerEvent());
                figures.put("events", r.events());
                figures.put("duplicates", r.duplicates());
            }
            ObjectNode median = row.putObject("median");
            BenchJson.put(median, "p50Ms", median(key, r -> r.percentileMillis(50)));
            BenchJson.put(median, "p99Ms", median(key, r -> r.percentileMillis(99)));
            BenchJson.put(median, "p999Ms", median(key, r -> r.percentileMillis(99.9)));
            BenchJson.put(median, "cpuMicrosPerEvent", median(key, FixedRateRun.Result::cpuMicrosPerEvent));
        }
        ArrayNode ratios = json.putArray("ratios");
        for (String key : keys) {
            if (!key.equals(Benchmark.BUS)) {
                ObjectNode ratio = ratios.addObject();
                ratio.put("of", Benchmark.BUS);
                ratio.put("against", key);
                ratio.set("p50", BenchJson.perRound(ratios(key, r -> r.percentileMillis(50))));
                ratio.set("p99", BenchJson.perRound(p99Ratios(key)));
                ratio.set("p999", BenchJson.perRound(ratios(key, r -> r.percentileMillis(99.9))));
            }
        }
        ArrayNode targets = json.putArray("targets");
        double againstRaw = Stats.median(p99Ratios(benchmark.fixedRateRawKey()));
        ObjectNode raw = targets.addObject();
        raw.put("target", "bus p99 / " + benchmark.fixedRateRawKey() + " p99");
        BenchJson.put(raw, "value", againstRaw);
        raw.put("atMost", P99_AGAINST_RAW);
        raw.put("pass", againstRaw <= P99_AGAINST_RAW);
        raw.put("forRate", TARGET_RATE);
        double busP99 = median(Benchmark.BUS, r -> r.percentileMillis(99));
        ObjectNode limit = targets.addObject();
        limit.put("target", "bus p99 ms");
        BenchJson.put(limit, "value", busP99);
        limit.put("atMost", benchmark.fixedRateP99LimitMillis());
        limit.put("pass", busP99 <= benchmark.fixedRateP99LimitMillis());
        limit.put("forRate", TARGET_RATE);
        return json;
    }

    private double[] p99Ratios(String key) {
        return ratios(key, r -> r.percentileMillis(99));
    }

    /** The bus's figure over the row's, per round. */
    private double[] ratios(String key, ToDoubleFunction<FixedRateRun.Result> figure) {
        return rounds.stream().mapToDouble(round -> Stats.ratio(figure.applyAsDouble(find(round, Benchmark.BUS)),
                figure.applyAsDouble(find(round, key)))).toArray();
    }

    private double median(String key, ToDoubleFunction<FixedRateRun.Result> figure) {
        return Stats.median(rounds.stream().mapToDouble(round -> figure.applyAsDouble(find(round, key))).toArray());
    }

    private FixedRateRun.Result first(String key) {
        return find(rounds.get(0), key);
    }

    private static FixedRateRun.Result find(List<FixedRateRun.Result> round, String key) {
        return round.stream().filter(r -> r.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no fixed-rate row " + key));
    }

    private static String f3(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
