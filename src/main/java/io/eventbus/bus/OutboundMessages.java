package io.eventbus.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.eventbus.envelope.Envelope;
import io.eventbus.tracing.TraceParent;
import io.eventbus.transport.OutboundMessage;

/**
 * Makes the {@link OutboundMessage} a transport publishes from an encoded envelope: its key, and the headers every
 * transport writes mirroring the envelope's fields, so that a consumer can route or trace an event without parsing
 * its body. The transports know messages, not envelopes.
 */
public final class OutboundMessages {

    private OutboundMessages() {
    }

    /** The encoded envelope with its key and the header mirrors every transport writes. */
    public static OutboundMessage of(Envelope envelope, byte[] body) {
        return of(envelope, body, envelope.getTraceId() == null ? null
                : TraceParent.forTraceId(envelope.getTraceId()));
    }

    /** The same, with the {@code traceparent} the sender chose (its current span's), or none when null. */
    public static OutboundMessage of(Envelope envelope, byte[] body, TraceParent traceparent) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(7);
        headers.add(Map.entry("content_type", "application/json"));
        headers.add(Map.entry("event_type", envelope.getEventType()));
        headers.add(Map.entry("event_id", envelope.getEventId()));
        headers.add(Map.entry("schema_version", envelope.getSchemaVersion()));
        if (envelope.getTraceId() != null) {
            headers.add(Map.entry("trace_id", envelope.getTraceId()));
        }
        if (traceparent != null) {
            headers.add(Map.entry(TraceParent.HEADER, traceparent.format()));
        }
        if (envelope.getCorrelationId() != null) {
            headers.add(Map.entry("correlation_id", envelope.getCorrelationId()));
        }
        // already immutable, so the constructor's copy keeps it as it is: one map per publish, not two
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] entries = headers.toArray(new Map.Entry[0]);
        return new OutboundMessage(envelope.getKey(), body, Map.ofEntries(entries));
    }
}
