package io.eventbus.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which dead letters a filter selects, and how time options are read. */
class DeadLetterFilterTest {

    private static final DeadLetter LETTER = new DeadLetter("1-0", null, "e-1", "order_created", "FatalException",
            "Order 42 REJECTED by the ledger", "checkout", Instant.parse("2026-11-30T15:00:00Z"), "orders", 0,
            List.<Map<String, Object>>of());

    @Test
    void everyCriterionGivenMustHold() {
        assertTrue(DeadLetterFilter.ALL.matches(LETTER));
        assertTrue(new DeadLetterFilter(Set.of("e-1", "e-2"), "order_created", "FatalException",
                Instant.parse("2026-11-30T15:00:00Z"), Instant.parse("2026-11-30T15:00:01Z"), "rejected")
                .matches(LETTER));
        assertFalse(DeadLetterFilter.byIds(Set.of("e-2")).matches(LETTER));
        assertFalse(new DeadLetterFilter(null, "payment_captured", null, null, null, null).matches(LETTER));
        assertFalse(new DeadLetterFilter(null, null, "IllegalStateException", null, null, null).matches(LETTER));
        assertFalse(new DeadLetterFilter(null, null, null, null, Instant.parse("2026-11-30T15:00:00Z"), null)
                .matches(LETTER), "until is exclusive");
        assertFalse(new DeadLetterFilter(null, null, null, null, null, "timeout").matches(LETTER));
    }

    @Test
    void timesAreIsoInstantsOffsetsOrUtcDates() {
        assertEquals(Instant.parse("2026-11-30T15:04:05Z"), DeadLetterFilter.parseTime("--since",
                "2026-11-30T15:04:05Z"));
        assertEquals(Instant.parse("2026-11-30T15:04:05Z"), DeadLetterFilter.parseTime("--since",
                "2026-11-30T18:04:05+03:00"));
        assertEquals(Instant.parse("2026-11-30T00:00:00Z"), DeadLetterFilter.parseTime("--until", "2026-11-30"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterFilter.parseTime("--since", "yesterday"));
        assertEquals("--since: expected an ISO-8601 time such as 2026-11-30T15:04:05Z or a date such as 2026-11-30 "
                + "but was \"yesterday\"", bad.getMessage());
        IllegalArgumentException reversed = assertThrows(IllegalArgumentException.class, () -> new DeadLetterFilter(
                null, null, null, Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z"), null));
        assertEquals("since (2026-12-01T00:00:00Z) must be before until (2026-11-30T00:00:00Z)",
                reversed.getMessage());
    }
}
