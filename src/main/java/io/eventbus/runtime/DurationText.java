package io.eventbus.runtime;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as an operator types and reads them: {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s},
 * {@code 500ms}, or a sum such as {@code 1d12h}. {@code eventbus groups prune --idle-for} parses them, and the
 * {@code groups} table prints idle times with them.
 */
final class DurationText {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private DurationText() {
    }

    /** Milliseconds; a malformed text fails naming the accepted forms. */
    static long parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher part = PART.matcher(trimmed);
        long millis = 0;
        int end = 0;
        while (part.find() && part.start() == end) {
            long amount = Long.parseLong(part.group(1));
            millis += amount * switch (part.group(2)) {
                case "d" -> DAY;
                case "h" -> HOUR;
                case "m" -> MINUTE;
                case "s" -> SECOND;
                default -> 1;
            };
            end = part.end();
        }
        if (trimmed.isEmpty() || end != trimmed.length()) {
            throw new IllegalArgumentException("not a duration: \"" + text + "\" (expected e.g. 7d, 12h, 30m, 45s, "
                    + "500ms or 1d12h)");
        }
        return millis;
    }

    /** The largest unit and the one below it, rounded down: {@code 3d4h}, {@code 12m5s}, {@code 1h}, {@code 850ms}. */
    static String format(long millis) {
        if (millis < SECOND) {
            return millis + "ms";
        }
        long[] sizes = { DAY, HOUR, MINUTE, SECOND };
        String[] units = { "d", "h", "m", "s" };
        StringBuilder text = new StringBuilder();
        int shown = 0;
        long rest = millis;
        for (int i = 0; i < sizes.length && shown < 2; i++) {
            long amount = rest / sizes[i];
            if (amount > 0 || shown > 0) {
                if (amount > 0) {
                    text.append(amount).append(units[i]);
                }
                rest -= amount * sizes[i];
                shown++;
            }
        }
        return text.toString();
    }
}
