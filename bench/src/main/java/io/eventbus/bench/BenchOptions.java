package io.eventbus.bench;

import java.util.List;

/**
 * Options every benchmark takes: {@code --events N} measured events (default 100000), {@code --warmup N} events
 * run first and not measured (default 20000), {@code --payload-bytes N} the size of the filler in each event's
 * data (default 256), {@code --rounds N} how many times the pair runs (default 3): the report is the round with
 * the median ratio, since one round's ratio moves by a tenth or more on a shared machine.
 *
 * @param events       events per measured run
 * @param warmup       events per warm-up run
 * @param payloadBytes bytes of filler text in each event's {@code data}
 * @param rounds       times the pair runs, warm-up included
 */
public record BenchOptions(int events, int warmup, int payloadBytes, int rounds) {

    static BenchOptions parse(List<String> args) {
        int events = 100_000;
        int warmup = 20_000;
        int payload = 256;
        int rounds = 3;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            int value;
            try {
                value = Integer.parseInt(args.get(++i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(arg + " takes a whole number but was '" + args.get(i) + "'");
            }
            switch (arg) {
                case "--events" -> events = value;
                case "--warmup" -> warmup = value;
                case "--payload-bytes" -> payload = value;
                case "--rounds" -> rounds = value;
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + " (known: --events, --warmup, --payload-bytes, --rounds)");
            }
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds takes a whole number >= 1 but was " + rounds);
        }
        return new BenchOptions(events, warmup, payload, rounds);
    }
}
