package io.eventbus.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The durations of {@code eventbus groups prune --idle-for} and of the idle column. */
class DurationTextTest {

    @Test
    void readsTheUnitsAnOperatorTypes() {
        assertEquals(7L * 24 * 3600 * 1000, DurationText.parse("7d"));
        assertEquals(12L * 3600 * 1000, DurationText.parse("12h"));
        assertEquals(30L * 60 * 1000, DurationText.parse("30m"));
        assertEquals(45_000, DurationText.parse("45s"));
        assertEquals(500, DurationText.parse("500ms"));
        assertEquals(36L * 3600 * 1000, DurationText.parse("1d12h"));
    }

    @Test
    void refusesAnythingElseNamingTheForms() {
        for (String bad : new String[] { "", "7", "7 days", "d7", "1.5h", "-1h" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad));
            assertEquals("not a duration: \"" + bad + "\" (expected e.g. 7d, 12h, 30m, 45s, 500ms or 1d12h)",
                    e.getMessage());
        }
    }

    @Test
    void printsTheTwoLargestUnits() {
        assertEquals("850ms", DurationText.format(850));
        assertEquals("3d4h", DurationText.format(3L * 86_400_000 + 4 * 3_600_000 + 59_000));
        assertEquals("2h", DurationText.format(2 * 3_600_000));
        assertEquals("12m5s", DurationText.format(12 * 60_000 + 5_000));
        assertEquals("1h", DurationText.format(3_601_000), "the unit below the largest is 0 minutes");
    }
}
