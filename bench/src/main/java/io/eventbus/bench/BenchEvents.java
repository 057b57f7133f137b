package io.eventbus.bench;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.envelope.Envelope;

/**
 * The events of the pipeline rows: envelopes of type {@code bench_event} whose {@code data} holds a sequence number
 * and a filler of {@code --payload-bytes}. Made before the clock starts, fresh for each run (the bus's producer
 * stamps what it publishes).
 */
final class BenchEvents {

    private BenchEvents() {
    }

    static List<Envelope> create(int count, int payloadBytes) {
        String filler = "x".repeat(payloadBytes);
        List<Envelope> events = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.put("seq", seq);
            data.put("filler", filler);
            Envelope event = Envelope.create("bench_event", "bench", data);
            // a field the wire format requires; the bus's producer sets its own
            event.setPublishedAt("2025-01-01T00:00:00Z");
            events.add(event);
        }
        return events;
    }
}
