package io.eventbus.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * One benchmark: {@code bus:} and the rows it is compared with (a broker's own tools, applications on the raw client,
 * the same route on plain Camel endpoints), doing the same work with the same events in the same run.
 * {@link BenchReport} prints every row and the bus's ratio against each {@link #peers() peer}.
 */
public interface Benchmark {

    /** The row key of the bus. */
    String BUS = "bus";

    /** The name {@code bench/run} knows it by: {@code memory}, {@code redis}, {@code rabbitmq}, {@code kafka}. */
    String name();

    /** What the rows do, in one line for the report. */
    String description();

    /** The clock of the rows' CPU time, or null when they do not measure it. */
    default CpuClock cpuClock() {
        return null;
    }

    /** What the measurements' CPU time counts (see {@link CpuClock}), or null when they do not measure it. */
    default String cpuScope() {
        return cpuClock() == null ? null : cpuClock().scope();
    }

    /** Runs every row once (warm-ups first); returns one measurement per row, the bus's under the key {@link #BUS}. */
    List<Measurement> run(BenchOptions options) throws Exception;

    /** The rows the bus is compared with, in the order the report prints its ratios. */
    List<Peer> peers();

    /** Whether the benchmark takes {@code --format}. */
    default boolean supportsFormat() {
        return false;
    }

    /** What the round line adds after the round's figures; empty for nothing. */
    default String roundNote(List<Measurement> round) {
        return "";
    }

    /** Lines printed after the report of all rounds; nothing by default. */
    default void printSummary(BenchOptions options, List<List<Measurement>> rounds, PrintStream out) {
    }

    /**
     * The rows of {@code --rate}: each a fresh {@link EventPipeline} per run, the {@link #fixedRateRawKey() raw row}
     * among them and the bus last. Empty when the benchmark has no fixed-rate mode.
     */
    default List<Supplier<EventPipeline>> fixedRateRows(BenchOptions options) {
        return List.of();
    }

    /** The row the bus's fixed-rate p99 is held against (at most twice its p99). */
    default String fixedRateRawKey() {
        return null;
    }

    /** The most the bus's p99 may be at 1,000 events/s, in milliseconds. */
    default double fixedRateP99LimitMillis() {
        return Double.NaN;
    }

    /**
     * A row the bus is compared with.
     *
     * @param key    the row's key in the measurements
     * @param role   what the row stands for in the comparison, e.g. {@code ceiling}, {@code peer (a)}
     * @param target the least the bus's median throughput ratio against it should be, or NaN for none
     */
    record Peer(String key, String role, double target) {

        /** A row the bus is compared with but held to no target. */
        static Peer untargeted(String key, String role) {
            return new Peer(key, role, Double.NaN);
        }
    }
}
