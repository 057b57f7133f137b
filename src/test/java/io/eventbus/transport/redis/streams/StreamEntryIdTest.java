package io.eventbus.transport.redis.streams;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stream entry ids compare numerically and know their successor, which safe trimming relies on. */
class StreamEntryIdTest {

    @Test
    void idsCompareNumericallyNotAsText() {
        assertTrue(StreamEntryId.parse("9-0").compareTo(StreamEntryId.parse("10-0")) < 0);
        assertTrue(StreamEntryId.parse("10-2").compareTo(StreamEntryId.parse("10-10")) < 0);
        assertEquals(StreamEntryId.parse("5-1"),
                StreamEntryId.min(StreamEntryId.parse("5-1"), StreamEntryId.parse("5-3")));
        assertEquals(StreamEntryId.parse("7-0"), StreamEntryId.min(null, StreamEntryId.parse("7-0")));
    }

    @Test
    void theNextIdIsTheSmallestGreaterOne() {
        assertEquals("1700000000000-6", StreamEntryId.parse("1700000000000-5").next().toString());
        assertEquals("8-0", StreamEntryId.parse("7-18446744073709551615").next().toString());
        assertEquals("0-1", StreamEntryId.ZERO.next().toString());
        assertEquals("12-0", StreamEntryId.parse("12").toString());
    }
}
