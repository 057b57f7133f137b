package io.eventbus.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress line of long command-line work, from counts and a clock the test sets: nothing here is timed. */
class ProgressTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aKnownTotalGivesShareRateElapsedAndEstimate() {
        assertEquals("publish orders: 1,200 / 5,000 (24%), 400/s, 3.0 s elapsed, about 9.5 s left",
                Progress.format("publish orders", 1200, 5000L, 3 * SECOND));
        assertEquals("replay orders: 10 / 10 (100%), 5/s, 2.0 s elapsed",
                Progress.format("replay orders", 10, 10L, 2 * SECOND), "no estimate once done");
    }

    @Test
    void anUnknownTotalGivesCountRateAndElapsedOnly() {
        assertEquals("consume t: 42, 0/s, 0.0 s elapsed", Progress.format("consume t", 42, null, 0));
        assertEquals("consume t: 90,000, 1,000/s, 1 min 30 s elapsed",
                Progress.format("consume t", 90_000, null, 90 * SECOND));
    }

    @Test
    void longTimesReadAsMinutesAndHours() {
        assertEquals("purge big: 100 / 1,000,000 (0%), 1/s, 1 min 40 s elapsed, about 277 h 45 min left",
                Progress.format("purge big", 100, 1_000_000L, 100 * SECOND));
        assertEquals("59.9 s", Progress.duration(59.94));
        assertEquals("2 min 05 s", Progress.duration(125));
        assertEquals("1 h 02 min", Progress.duration(3725));
    }

    @Test
    void theLineIsRedrawnInPlaceAtMostEveryQuarterSecondAndEndedOnClose() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        Progress progress = Progress.on(new PrintStream(err, true, StandardCharsets.UTF_8), "publish t", 4L, now::get);
        progress.step(); // drawn: the first
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        progress.step(); // too soon
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        progress.step(); // drawn
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        progress.step(); // too soon
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(600));
        progress.close(); // drawn, and the line ended
        String[] drawings = err.toString(StandardCharsets.UTF_8).split("\r", -1);
        assertEquals(4, drawings.length, err.toString(StandardCharsets.UTF_8)); // "" before the first \r
        assertEquals("publish t: 1 / 4 (25%), 0/s, 0.0 s elapsed", drawings[1].strip());
        assertEquals("publish t: 3 / 4 (75%), 10/s, 0.3 s elapsed, about 0.1 s left", drawings[2].strip());
        assertEquals("publish t: 4 / 4 (100%), 4/s, 1.0 s elapsed", drawings[3].strip());
        assertEquals(System.lineSeparator(), drawings[3].substring(drawings[3].stripTrailing().length())
                .replace(" ", ""), "padded over the longer line before, then ended");
    }
}
