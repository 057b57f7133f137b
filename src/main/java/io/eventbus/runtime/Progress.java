package io.eventbus.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of long command-line work (publishing a file, {@code consume --max}, {@code dlq replay}, {@code dlq
 * purge}) on standard error, one line rewritten in place: count, rate, elapsed time and, when the total is known,
 * the share done and an estimate of the time left. Shown only on a terminal and without {@code --quiet}, so that
 * standard output stays machine-readable and logs and pipes get nothing extra. Redrawn at most every
 * {@value #REDRAW_MILLIS} ms; thread-safe (a consumer counts from Camel's threads).
 */
final class Progress implements AutoCloseable {

    static final long REDRAW_MILLIS = 250;

    private final String label;
    private final Long total;
    private final PrintStream err;
    private final LongSupplier nanos;
    private final long start;
    private long count;
    private long drawn;
    private int width;

    private Progress(String label, Long total, PrintStream err, LongSupplier nanos) {
        this.label = label;
        this.total = total;
        this.err = err;
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        this.drawn = start - TimeUnit.MILLISECONDS.toNanos(REDRAW_MILLIS); // the first step draws
    }

    /**
     * Progress on standard error when it is shown, else null: not with {@code quiet}, and only when standard error
     * is a terminal — {@code System.console()} says so when standard input and output are one too; on Linux
     * {@code /proc/self/fd/2} tells for standard error alone, so that {@code consume --max N > file} shows progress.
     *
     * @param total the count that means done, or null when unknown
     */
    static Progress onTerminal(String label, Long total, boolean quiet) {
        return quiet || !stderrIsTerminal() ? null : new Progress(label, total, System.err, System::nanoTime);
    }

    private static boolean stderrIsTerminal() {
        if (System.console() != null) {
            return true;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // not Linux: without a console, no progress
        }
    }

    /** Counts one more done, on a progress that may be null (not shown). */
    static void step(Progress progress) {
        if (progress != null) {
            progress.step();
        }
    }

    /** Ends a progress that may be null. */
    static void close(Progress progress) {
        if (progress != null) {
            progress.close();
        }
    }

    /** Progress drawn on the stream with the given clock, for tests. */
    static Progress on(PrintStream err, String label, Long total, LongSupplier nanos) {
        return new Progress(label, total, err, nanos);
    }

    /** Counts one more done; redraws when the last drawing is old enough. */
    synchronized void step() {
        count++;
        long now = nanos.getAsLong();
        if (now - drawn >= TimeUnit.MILLISECONDS.toNanos(REDRAW_MILLIS)) {
            drawn = now;
            draw(now);
        }
    }

    /** Draws the final figures and ends the line. */
    @Override
    public synchronized void close() {
        draw(nanos.getAsLong());
        err.println();
        err.flush();
    }

    private void draw(long now) {
        String line = format(label, count, total, now - start);
        // pad over a longer previous line: the line is rewritten in place after a carriage return
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        width = line.length();
        err.flush();
    }

    /**
     * One progress line: {@code publish orders: 1,200 / 5,000 (24%), 400/s, 3.0 s elapsed, about 9.5 s left};
     * without a total, the count, rate and elapsed time alone.
     */
    static String format(String label, long count, Long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? count / seconds : 0;
        StringBuilder line = new StringBuilder(label).append(": ").append(String.format(Locale.ROOT, "%,d", count));
        if (total != null) {
            line.append(String.format(Locale.ROOT, " / %,d (%d%%)", total,
                    total == 0 ? 100 : Math.min(100, count * 100 / total)));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f/s, %s elapsed", rate, duration(seconds)));
        if (total != null && count < total && rate > 0) {
            line.append(", about ").append(duration((total - count) / rate)).append(" left");
        }
        return line.toString();
    }

    /** Seconds as {@code 3.0 s}, {@code 2 min 05 s} or {@code 1 h 02 min}. */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = Math.round(seconds);
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
    }
}
