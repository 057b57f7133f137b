package io.eventbus.tracing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceParentTest {

    private static final String HEADER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parsesAndFormatsTheW3cExample() {
        TraceParent parsed = TraceParent.parse(HEADER);

        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parsed.traceId());
        assertEquals("00f067aa0ba902b7", parsed.parentId());
        assertEquals("01", parsed.flags());
        assertEquals(HEADER, parsed.format());
    }

    @Test
    void rejectsWhatIsNotAVersion00Traceparent() {
        assertNull(TraceParent.parse(null));
        assertNull(TraceParent.parse(""));
        assertNull(TraceParent.parse(HEADER.toUpperCase()), "upper-case hex");
        assertNull(TraceParent.parse("01" + HEADER.substring(2)), "another version");
        assertNull(TraceParent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "zero trace id");
        assertNull(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), "zero parent id");
        assertNull(TraceParent.parse(HEADER.replace('-', '_')), "separators");
        assertNull(TraceParent.parse(HEADER + "-extra"), "length");
    }

    @Test
    void mapsEveryTraceIdToAW3cTraceIdTheSameWayEachTime() {
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.traceIdOf("4BF92F3577B34DA6A3CE929D0E0E4736"));
        assertEquals("123e4567e89b12d3a456426614174000",
                TraceParent.traceIdOf("123e4567-e89b-12d3-a456-426614174000"), "a UUID loses its dashes");
        String mapped = TraceParent.traceIdOf("trace-1");
        assertEquals(32, mapped.length());
        assertTrue(mapped.matches("[0-9a-f]{32}"));
        assertEquals(mapped, TraceParent.traceIdOf("trace-1"), "stable across hops");
        assertNotEquals(mapped, TraceParent.traceIdOf("trace-2"));
    }

    @Test
    void aMessageSentInTheCurrentSpansTraceIsItsChildElseANewSpanOfTheEventsTrace() {
        TraceParent current = TraceParent.parse(HEADER);

        assertSame(current, TraceParent.forEvent("4bf92f3577b34da6a3ce929d0e0e4736", current));
        TraceParent other = TraceParent.forEvent("trace-1", current);
        assertEquals(TraceParent.traceIdOf("trace-1"), other.traceId());
        assertEquals(other, TraceParent.parse(other.format()), "a new span's header is valid");
        assertNotEquals(TraceParent.forTraceId("trace-1").parentId(), TraceParent.forTraceId("trace-1").parentId(),
                "each publish is a span of its own");
    }

    @Test
    void newTraceIdsAreValidAndDistinct() {
        String first = TraceParent.newTraceId();
        assertTrue(first.matches("[0-9a-f]{32}"));
        assertEquals(first, TraceParent.traceIdOf(first));
        assertNotEquals(first, TraceParent.newTraceId());
    }
}
