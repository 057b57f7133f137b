package io.eventbus.bench;

import java.time.Duration;
import java.util.List;

/**
 * Options every benchmark takes: {@code --events N} measured events (default 100000), {@code --warmup N} events
 * run first and not measured (default 20000), {@code --payload-bytes N} the size of the filler in each event's
 * data (default 256), {@code --rounds N} how many times the rows run (default 3): the report gives each figure's
 * median over the rounds, since one round moves by a tenth or more on a shared machine. {@code --json} makes the
 * last line printed one JSON object with every row's figures and every ratio ({@link BenchJson}).
 * <p>
 * {@code --format F} (the Redis benchmark only; default {@code envelope}) names a wire format
 * (docs/wire-formats.md): the raw side then writes and reads that format's native JSON, and the bus side runs twice
 * per round, on a topic in the envelope and on a topic in that format, so that the report can say what the mapping
 * costs per event.
 * <p>
 * {@code --compression C} ({@code gzip}, {@code lz4}, {@code zstd}) and {@code --encryption} (the Redis benchmark
 * only) compare the same way a topic that seals {@code data} (docs/protection.md; threshold 0, so that every event
 * is compressed) with a plain envelope topic.
 * <p>
 * {@code --rate N} without {@code --soak} measures latency at a fixed rate ({@link FixedRateBench}): every row
 * publishes open-loop at N events/s for {@code --events N} events or {@code --duration D} (default 30s), after a
 * warm-up of {@code --warmup N} events at the same rate (default ten seconds' worth, at most 20000).
 * <p>
 * {@code --delayed [--delay N]} with {@code --rate N} runs {@link DelayedDeliveryBench} instead: events published at
 * N/s, each delayed N ms (default 2000), and how late after its due time each is delivered.
 * <p>
 * {@code --soak D} (e.g. {@code 30m}, {@code 90s}, {@code 2h}) runs {@link Soak} instead: steady traffic of
 * {@code --rate N} events/s (default 1000), a line every {@code --report-every D} (default {@code 1m}).
 *
 * @param events       events per measured run
 * @param warmup       events per warm-up run
 * @param payloadBytes bytes of filler text in each event's {@code data}
 * @param rounds       times the rows run, warm-up included
 * @param soak         how long a soak runs; null for no soak
 * @param rate         events per second of {@code --rate}; 0 when not given
 * @param reportEvery  how often a soak prints its line
 * @param format       the wire format the Redis benchmark compares with the envelope; null for the envelope alone
 * @param json         whether the last line printed is the run's figures as one JSON object
 * @param delayMillis  with {@code --delayed}: the delay each event asks for ({@code --delay N}, default 2000 ms);
 *                     0 when not a delayed run
 * @param compression  the codec the Redis benchmark's sealing topic compresses with; null for none
 * @param encryption   whether the Redis benchmark's sealing topic encrypts
 */
public record BenchOptions(int events, int warmup, int payloadBytes, int rounds, Duration soak, int rate,
        Duration reportEvery, String format, boolean json, long delayMillis, String compression, boolean encryption) {

    static final String USAGE = "[--events N] [--warmup N] [--payload-bytes N] [--rounds N] [--json]"
            + " [--format <envelope|mapping> | --compression <gzip|lz4|zstd> and/or --encryption, redis only]"
            + " | --rate N [--events N | --duration <e.g. 30s>] [--warmup N] [--rounds N] [--json]"
            + " | --soak <duration, e.g. 30m> [--rate N] [--report-every <duration>] [--payload-bytes N]"
            + " | --delayed --rate N [--delay <ms, default 2000>] [--duration <e.g. 20s>]";

    /** The rate of a soak when {@code --rate} was not given. */
    static final int DEFAULT_SOAK_RATE = 1000;
    /** How long a fixed-rate run lasts when neither {@code --events} nor {@code --duration} was given. */
    static final Duration DEFAULT_FIXED_RATE_DURATION = Duration.ofSeconds(30);

    static BenchOptions parse(List<String> args) {
        Integer events = null;
        Integer warmup = null;
        int payload = 256;
        int rounds = 3;
        Duration soak = null;
        int rate = 0;
        Duration reportEvery = Duration.ofMinutes(1);
        Duration duration = null;
        String format = null;
        boolean json = false;
        boolean delayed = false;
        Integer delay = null;
        String compression = null;
        boolean encryption = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--json")) {
                json = true;
                continue;
            }
            if (arg.equals("--delayed")) {
                delayed = true;
                continue;
            }
            if (arg.equals("--encryption")) {
                encryption = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args.get(++i);
            switch (arg) {
                case "--events" -> events = number(arg, value);
                case "--warmup" -> warmup = number(arg, value);
                case "--payload-bytes" -> payload = number(arg, value);
                case "--rounds" -> rounds = number(arg, value);
                case "--soak" -> soak = duration(arg, value);
                case "--rate" -> rate = positive(arg, number(arg, value));
                case "--report-every" -> reportEvery = duration(arg, value);
                case "--duration" -> duration = duration(arg, value);
                case "--format" -> format = value.equals("envelope") ? null : value;
                case "--delay" -> delay = positive(arg, number(arg, value));
                case "--compression" -> compression = value.equals("none") ? null : value;
                default -> throw new IllegalArgumentException("unknown option " + arg + " (known: " + USAGE + ")");
            }
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds takes a whole number >= 1 but was " + rounds);
        }
        if (format != null && (compression != null || encryption)) {
            throw new IllegalArgumentException("--compression and --encryption compare with the envelope topic; "
                    + "--format with a mapping: one comparison per run");
        }
        if ((compression != null || encryption) && (soak != null || rate > 0)) {
            throw new IllegalArgumentException("--compression and --encryption are measured at full speed");
        }
        if (format != null && soak != null) {
            throw new IllegalArgumentException("--format compares the pair's formats; a soak runs the envelope only");
        }
        if (delay != null && !delayed) {
            throw new IllegalArgumentException("--delay is the delay of a --delayed run");
        }
        if (delayed && (rate == 0 || soak != null || format != null)) {
            throw new IllegalArgumentException("--delayed takes --rate N (and --delay, --duration), not --soak or "
                    + "--format");
        }
        boolean fixedRate = soak == null && rate > 0;
        if (duration != null && !fixedRate) {
            throw new IllegalArgumentException("--duration is how long a --rate run lasts (a soak takes --soak)");
        }
        if (fixedRate) {
            if (duration != null && events != null) {
                throw new IllegalArgumentException("--rate takes --events or --duration, not both");
            }
            if (format != null) {
                throw new IllegalArgumentException("--format is measured at full speed; --rate runs the envelope");
            }
            long count = events != null ? events
                    : (long) rate * (duration != null ? duration : DEFAULT_FIXED_RATE_DURATION).toSeconds();
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("--rate " + rate + " for that long is more events than a run "
                        + "holds");
            }
            events = (int) count;
            warmup = warmup != null ? warmup : Math.min(20_000, rate * 10);
        }
        return new BenchOptions(events != null ? events : 100_000, warmup != null ? warmup : 20_000, payload, rounds,
                soak, rate, reportEvery, format, json, delayed ? (delay != null ? delay : 2000) : 0, compression,
                encryption);
    }

    /** Whether the run compares a topic that seals data with a plain one. */
    boolean protects() {
        return compression != null || encryption;
    }

    /** What the compared topic is: the mapping's name, or how it seals ({@code zstd+aes-256-gcm}). */
    String variant() {
        if (format != null) {
            return format;
        }
        return compression == null ? "aes-256-gcm" : encryption ? compression + "+aes-256-gcm" : compression;
    }

    /** Whether this run measures latency at a fixed rate ({@code --rate} without {@code --soak}). */
    boolean fixedRate() {
        return soak == null && rate > 0 && delayMillis == 0;
    }

    /** Whether this run measures how late delayed events are delivered ({@code --delayed}). */
    boolean delayed() {
        return delayMillis > 0;
    }

    /** The events per second of a soak. */
    int soakRate() {
        return rate > 0 ? rate : DEFAULT_SOAK_RATE;
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " takes a whole number >= 1 but was " + value);
        }
        return value;
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number but was '" + value + "'");
        }
    }

    /** A whole number of seconds ({@code s}), minutes ({@code m}) or hours ({@code h}), above zero. */
    private static Duration duration(String option, String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smh])").matcher(value);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(option + " takes a duration such as 90s, 30m or 2h but was '"
                    + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
