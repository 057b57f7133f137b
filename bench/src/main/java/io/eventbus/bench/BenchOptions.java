package io.eventbus.bench;

import java.time.Duration;
import java.util.List;

/**
 * Options every benchmark takes: {@code --events N} measured events (default 100000), {@code --warmup N} events
 * run first and not measured (default 20000), {@code --payload-bytes N} the size of the filler in each event's
 * data (default 256), {@code --rounds N} how many times the pair runs (default 3): the report is the round with
 * the median ratio, since one round's ratio moves by a tenth or more on a shared machine.
 * <p>
 * {@code --format F} (the Redis pair only; default {@code envelope}) names a wire format (docs/wire-formats.md): the
 * raw side then writes and reads that format's native JSON, and the bus side runs twice per round, on a topic in the
 * envelope and on a topic in that format, so that the report can say what the mapping costs per event.
 * <p>
 * {@code --soak D} (e.g. {@code 30m}, {@code 90s}, {@code 2h}) runs {@link Soak} instead of the pair: steady traffic
 * of {@code --rate N} events/s (default 1000), a line every {@code --report-every D} (default {@code 1m}).
 *
 * @param events       events per measured run
 * @param warmup       events per warm-up run
 * @param payloadBytes bytes of filler text in each event's {@code data}
 * @param rounds       times the pair runs, warm-up included
 * @param soak         how long a soak runs; null to run the pair
 * @param rate         events per second of a soak
 * @param reportEvery  how often a soak prints its line
 * @param format       the wire format the pair compares with the envelope; null for the envelope alone
 */
public record BenchOptions(int events, int warmup, int payloadBytes, int rounds, Duration soak, int rate,
        Duration reportEvery, String format) {

    static final String USAGE = "[--events N] [--warmup N] [--payload-bytes N] [--rounds N]"
            + " [--format <envelope|mapping>, redis only]"
            + " | --soak <duration, e.g. 30m> [--rate N] [--report-every <duration>] [--payload-bytes N]";

    static BenchOptions parse(List<String> args) {
        int events = 100_000;
        int warmup = 20_000;
        int payload = 256;
        int rounds = 3;
        Duration soak = null;
        int rate = 1000;
        Duration reportEvery = Duration.ofMinutes(1);
        String format = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
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
                case "--rate" -> rate = number(arg, value);
                case "--report-every" -> reportEvery = duration(arg, value);
                case "--format" -> format = value.equals("envelope") ? null : value;
                default -> throw new IllegalArgumentException("unknown option " + arg + " (known: " + USAGE + ")");
            }
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds takes a whole number >= 1 but was " + rounds);
        }
        if (rate < 1) {
            throw new IllegalArgumentException("--rate takes a whole number >= 1 but was " + rate);
        }
        if (format != null && soak != null) {
            throw new IllegalArgumentException("--format compares the pair's formats; a soak runs the envelope only");
        }
        return new BenchOptions(events, warmup, payload, rounds, soak, rate, reportEvery, format);
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
