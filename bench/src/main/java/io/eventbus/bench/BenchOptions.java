package io.eventbus.bench;

import java.util.List;

/**
 * Options every benchmark takes: {@code --events N} measured events (default 100000), {@code --warmup N} events
 * run first and not measured (default 20000), {@code --payload-bytes N} the size of the filler in each event's
 * data (default 256).
 *
 * @param events       events per measured run
 * @param warmup       events per warm-up run
 * @param payloadBytes bytes of filler text in each event's {@code data}
 */
public record BenchOptions(int events, int warmup, int payloadBytes) {

    static BenchOptions parse(List<String> args) {
        int events = 100_000;
        int warmup = 20_000;
        int payload = 256;
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
                default -> throw new IllegalArgumentException("unknown option " + arg
                        + " (known: --events, --warmup, --payload-bytes)");
            }
        }
        return new BenchOptions(events, warmup, payload);
    }
}
