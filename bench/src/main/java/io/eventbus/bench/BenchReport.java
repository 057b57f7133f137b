package io.eventbus.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The report of a throughput run over several rounds: every row's figures (the median over the rounds of each:
 * events/s, p50, p99, p99.9, CPU per event), then the bus's ratios against each {@link Benchmark.Peer peer}, per
 * round and, last, their median, with the peer's target and whether the median meets it.
 * <p>
 * Ratios are taken per round (the rows of one round ran back to back, under the same load) and their median is
 * reported, not the ratio of two medians. Latency ratios are given only between rows whose latencies measure the
 * same thing ({@link LatencyKind}).
 */
final class BenchReport {

    private final Benchmark benchmark;
    private final BenchOptions options;
    private final List<List<Measurement>> rounds;
    private final List<String> keys = new ArrayList<>();

    BenchReport(Benchmark benchmark, BenchOptions options, List<List<Measurement>> rounds) {
        this.benchmark = benchmark;
        this.options = options;
        this.rounds = rounds;
        rounds.get(0).forEach(m -> keys.add(m.key()));
    }

    /** One line per round: the bus's throughput and CPU, then each peer's and the bus's ratio against it. */
    static String roundLine(Benchmark benchmark, int round, int rounds, List<Measurement> measured) {
        Measurement bus = Measurement.find(measured, Benchmark.BUS);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d of %d: bus %.0f events/s%s",
                round, rounds, bus.eventsPerSecond(), cpuNote(bus)));
        for (Benchmark.Peer peer : benchmark.peers()) {
            Measurement other = Measurement.find(measured, peer.key());
            line.append(String.format(Locale.ROOT, "; %s %.0f events/s%s, bus %.2f", peer.key(),
                    other.eventsPerSecond(), cpuNote(other), bus.eventsPerSecond() / other.eventsPerSecond()));
        }
        return line.append(benchmark.roundNote(measured)).toString();
    }

    private static String cpuNote(Measurement m) {
        return Double.isNaN(m.cpuMicrosPerEvent()) ? ""
                : String.format(Locale.ROOT, " (%.1f µs cpu/event)", m.cpuMicrosPerEvent());
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%s: %s%n", benchmark.name(), benchmark.description());
        out.printf(Locale.ROOT,
                "%d events, %d warm-up, %d-byte payload, %d cores, collectors %s; medians of %d rounds%n",
                options.events(), options.warmup(), options.payloadBytes(), Runtime.getRuntime().availableProcessors(),
                GarbageCollectors.names(), rounds.size());
        int width = Math.max(40, keys.stream().mapToInt(k -> label(k).length()).max().orElse(0));
        String row = "%-" + width + "s %10s %9s %9s %9s %12s  %s%n";
        out.printf(Locale.ROOT, row, "", "events/s", "p50 ms", "p99 ms", "p99.9 ms", "cpu µs/event", "latency");
        for (String key : keys) {
            out.printf(Locale.ROOT, row, label(key), number("%.0f", median(key, Measurement::eventsPerSecond)),
                    number("%.3f", median(key, m -> m.latencies().percentileMillis(50))),
                    number("%.3f", median(key, m -> m.latencies().percentileMillis(99))),
                    number("%.3f", median(key, m -> m.latencies().percentileMillis(99.9))),
                    number("%.1f", median(key, Measurement::cpuMicrosPerEvent)),
                    first(key).latencyKind().description());
        }
        if (benchmark.cpuScope() != null) {
            out.printf(Locale.ROOT, "cpu: %s, over the measured time%n", benchmark.cpuScope());
        }
        for (Benchmark.Peer peer : benchmark.peers()) {
            out.println(ratioLine(peer));
        }
    }

    private String ratioLine(Benchmark.Peer peer) {
        double[] throughput = ratios(peer, Measurement::eventsPerSecond);
        StringJoiner each = new StringJoiner(", ");
        for (double r : throughput) {
            each.add(String.format(Locale.ROOT, "%.2f", r));
        }
        double median = Stats.median(throughput);
        String target = Double.isNaN(peer.target()) ? ""
                : String.format(Locale.ROOT, "; target >= %.2f: %s", peer.target(),
                        median >= peer.target() ? "pass" : "miss");
        return String.format(Locale.ROOT, "bus / %s [%s]: throughput per round %s, median %.2f; cpu per event "
                + "median %s; p50 median %s, p99 median %s%s", label(peer.key()), peer.role(), each, median,
                number("%.2fx", Stats.median(ratios(peer, Measurement::cpuMicrosPerEvent))),
                number("%.2fx", Stats.median(latencyRatios(peer, 50))),
                number("%.2fx", Stats.median(latencyRatios(peer, 99))), target);
    }

    /** Every row's figures per round and their medians, every ratio per round and its median, as one object. */
    ObjectNode toJson() {
        ObjectNode json = BenchJson.object();
        json.put("benchmark", benchmark.name());
        json.put("mode", "throughput");
        json.put("description", benchmark.description());
        json.put("events", options.events());
        json.put("warmup", options.warmup());
        json.put("payloadBytes", options.payloadBytes());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("collectors", GarbageCollectors.names());
        json.put("rounds", rounds.size());
        if (options.protects()) {
            json.put("protection", options.variant());
        }
        if (options.format() != null) {
            json.put("format", options.format());
        }
        if (benchmark.cpuScope() != null) {
            json.put("cpuScope", benchmark.cpuScope());
        }
        ArrayNode rows = json.putArray("rows");
        for (String key : keys) {
            ObjectNode row = rows.addObject();
            row.put("key", key);
            row.put("label", label(key));
            row.put("latency", first(key).latencyKind().description());
            ArrayNode each = row.putArray("rounds");
            for (List<Measurement> round : rounds) {
                figures(each.addObject(), Measurement.find(round, key));
            }
            ObjectNode median = row.putObject("median");
            BenchJson.put(median, "eventsPerSecond", median(key, Measurement::eventsPerSecond));
            BenchJson.put(median, "p50Ms", median(key, m -> m.latencies().percentileMillis(50)));
            BenchJson.put(median, "p99Ms", median(key, m -> m.latencies().percentileMillis(99)));
            BenchJson.put(median, "p999Ms", median(key, m -> m.latencies().percentileMillis(99.9)));
            BenchJson.put(median, "cpuMicrosPerEvent", median(key, Measurement::cpuMicrosPerEvent));
        }
        ArrayNode ratios = json.putArray("ratios");
        for (Benchmark.Peer peer : benchmark.peers()) {
            ObjectNode ratio = ratios.addObject();
            ratio.put("of", Benchmark.BUS);
            ratio.put("against", peer.key());
            ratio.put("role", peer.role());
            double[] throughput = ratios(peer, Measurement::eventsPerSecond);
            ratio.set("throughput", BenchJson.perRound(throughput));
            ratio.set("cpuPerEvent", BenchJson.perRound(ratios(peer, Measurement::cpuMicrosPerEvent)));
            ratio.set("p50", BenchJson.perRound(latencyRatios(peer, 50)));
            ratio.set("p99", BenchJson.perRound(latencyRatios(peer, 99)));
            ratio.set("p999", BenchJson.perRound(latencyRatios(peer, 99.9)));
            if (!Double.isNaN(peer.target())) {
                ratio.put("target", peer.target());
                ratio.put("pass", Stats.median(throughput) >= peer.target());
            }
        }
        return json;
    }

    private static void figures(ObjectNode node, Measurement m) {
        BenchJson.put(node, "eventsPerSecond", m.eventsPerSecond());
        BenchJson.put(node, "p50Ms", m.latencies().percentileMillis(50));
        BenchJson.put(node, "p99Ms", m.latencies().percentileMillis(99));
        BenchJson.put(node, "p999Ms", m.latencies().percentileMillis(99.9));
        BenchJson.put(node, "cpuMicrosPerEvent", m.cpuMicrosPerEvent());
        node.put("events", m.events());
        if (m.sendToAck() != null) {
            BenchJson.put(node, "sendToAckP50Ms", m.sendToAck().percentileMillis(50));
            BenchJson.put(node, "sendToAckP99Ms", m.sendToAck().percentileMillis(99));
        }
    }

    /** The bus's figure over the peer's, per round. */
    private double[] ratios(Benchmark.Peer peer, ToDoubleFunction<Measurement> figure) {
        return rounds.stream().mapToDouble(round -> Stats.ratio(
                figure.applyAsDouble(Measurement.find(round, Benchmark.BUS)),
                figure.applyAsDouble(Measurement.find(round, peer.key())))).toArray();
    }

    /** The bus's latency percentile over the peer's, per round; NaN where they measure different things. */
    private double[] latencyRatios(Benchmark.Peer peer, double percentile) {
        if (first(Benchmark.BUS).latencyKind() != first(peer.key()).latencyKind()) {
            return new double[] {Double.NaN};
        }
        return ratios(peer, m -> m.latencies().percentileMillis(percentile));
    }

    private double median(String key, ToDoubleFunction<Measurement> figure) {
        return Stats.median(rounds.stream().mapToDouble(r -> figure.applyAsDouble(Measurement.find(r, key)))
                .toArray());
    }

    private Measurement first(String key) {
        return Measurement.find(rounds.get(0), key);
    }

    private String label(String key) {
        return first(key).label();
    }

    private static String number(String format, double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
