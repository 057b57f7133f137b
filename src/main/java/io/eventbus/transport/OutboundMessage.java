package io.eventbus.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventbus.envelope.Envelope;
import io.eventbus.tracing.TraceParent;

/**
 * An encoded event ready for a transport.
 *
 * @param key     the ordering / partition key, or null
 * @param body    the envelope as UTF-8 JSON
 * @param headers the transport headers mirroring envelope fields ({@code event_type}, {@code event_id},
 *                {@code trace_id}, {@code schema_version}, {@code correlation_id}), the W3C {@code traceparent} of the
 *                event's trace, and delivery hints a transport may honour ({@code priority}, {@code ttl_ms}); the
 *                body stays the truth
 */
public record OutboundMessage(String key, byte[] body, Map<String, String> headers) {

    public OutboundMessage {
        headers = Map.copyOf(headers);
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

    /** This message with one more header (or a header replaced). */
    public OutboundMessage withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboundMessage(key, body, more);
    }
}
