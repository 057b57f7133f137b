package io.eventbus.runtime;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The command line of {@code eventbus run}: {@code [--config FILE] [--routes DIR] [--feed FILE.jsonl --topic T]
 * [--until-idle [--idle-seconds N]]}. Unknown or incomplete options fail with a message naming them.
 *
 * @param config      an extra properties file, overriding the packaged {@code application.properties}
 * @param routes      the directory whose {@code *.camel.yaml} files are loaded
 * @param feed        a JSONL file whose lines are published at start, or null
 * @param topic       the topic the feed is published to
 * @param untilIdle   stop once nothing has moved for {@code idleSeconds} and print the summary line
 * @param idleSeconds how long "idle" is
 */
public record RunOptions(Path config, Path routes, Path feed, String topic, boolean untilIdle, int idleSeconds) {

    public static final String USAGE = "usage: eventbus run [--config FILE] [--routes DIR] "
            + "[--feed FILE.jsonl --topic TOPIC] [--until-idle [--idle-seconds N]]";

    public static RunOptions parse(List<String> args) {
        Deque<String> rest = new ArrayDeque<>(args);
        if (!rest.isEmpty() && rest.peekFirst().equals("run")) {
            rest.removeFirst();
        }
        Path config = null;
        Path routes = Path.of("routes");
        Path feed = null;
        String topic = null;
        boolean untilIdle = false;
        int idleSeconds = 2;
        while (!rest.isEmpty()) {
            String option = rest.removeFirst();
            switch (option) {
                case "--config" -> config = Path.of(value(option, rest));
                case "--routes" -> routes = Path.of(value(option, rest));
                case "--feed" -> feed = Path.of(value(option, rest));
                case "--topic" -> topic = value(option, rest);
                case "--until-idle" -> untilIdle = true;
                case "--idle-seconds" -> idleSeconds = positive(option, value(option, rest));
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        if (feed != null && topic == null) {
            throw new IllegalArgumentException("--feed needs --topic: the topic to publish the file's events to\n" + USAGE);
        }
        return new RunOptions(config, routes, feed, topic, untilIdle, idleSeconds);
    }

    private static String value(String option, Deque<String> rest) {
        if (rest.isEmpty() || rest.peekFirst().startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return rest.removeFirst();
    }

    private static int positive(String option, String value) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a whole number of seconds > 0 but was \"" + value + "\"");
    }
}
