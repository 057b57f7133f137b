package io.eventbus.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * One benchmark pair: the raw client and {@code bus:} doing the same work with the same events in the same run.
 * The first measurement is the baseline, the second the bus; {@link BenchReport} prints their ratio.
 */
public interface Benchmark {

    /** The name {@code bench/run} knows it by: {@code memory}, {@code redis}, {@code rabbitmq}, {@code kafka}. */
    String name();

    /** What the baseline and the bus do, in one line for the report. */
    String description();

    /** What the measurements' CPU time counts (see {@link CpuClock}), or null when they do not measure it. */
    default String cpuScope() {
        return null;
    }

    /** Runs the warm-up, then the baseline, then the bus; returns {@code [baseline, bus, ...]}. */
    List<Measurement> run(BenchOptions options) throws Exception;

    /** Whether the pair takes {@code --format}. */
    default boolean supportsFormat() {
        return false;
    }

    /** What the round line adds after the pair's ratio for this round's measurements; empty for nothing. */
    default String roundNote(List<Measurement> round) {
        return "";
    }

    /** Lines printed after the report of all rounds; nothing by default. */
    default void printSummary(BenchOptions options, List<List<Measurement>> rounds, PrintStream out) {
    }
}
