package io.eventbus.bus;

import java.util.LinkedHashMap;
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
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content_type", "application/json");
        headers.put("event_type", envelope.getEventType());
        headers.put("event_id", envelope.getEventId());
        headers.put("schema_version", envelope.getSchemaVersion());
        if (envelope.getTraceId() != null) {
            headers.put("trace_id", envelope.getTraceId());
        }
        if (traceparent != null) {
            headers.put(TraceParent.HEADER, traceparent.format());
        }
        if (envelope.getCorrelationId() != null) {
            headers.put("correlation_id", envelope.getCorrelationId());
        }
        return new OutboundMessage(envelope.getKey(), body, headers);
    }

    /** This message with one more header (or a header replaced). */
    public OutboundMessage withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboundMessage(key, body, more);
    }
}
