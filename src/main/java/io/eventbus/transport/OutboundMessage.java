package io.eventbus.transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An encoded event ready for a transport; the bus makes it from an envelope ({@code bus.OutboundMessages}).
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

    /** This message with one more header (or a header replaced). */
    public OutboundMessage withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboundMessage(key, body, more);
    }
}
