package io.eventbus.bus;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.transport.FatalException;

/**
 * Turns an exchange's body into the envelope the bus sends: what a {@code bus:} producer publishes and what a
 * {@code bus:} consumer sends back as the reply to a request. One place, so that both accept the same bodies and
 * stamp the same lineage.
 */
final class OutgoingEnvelopes {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutgoingEnvelopes() {
    }

    /**
     * The body as an envelope: an {@link Envelope}; envelope JSON (String, bytes, stream; missing
     * {@code event_id}, {@code schema_version}, {@code source} and {@code published_at} filled in); or any other
     * payload, which becomes the {@code data} of a new event of {@code eventType}.
     *
     * @param eventType the type of a new event built from a plain body; null makes a plain body an error
     * @param what      the destination, for error messages ({@code bus:orders})
     */
    static Envelope of(Exchange exchange, EnvelopeCodec codec, String eventType, String source, String what) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Envelope envelope) {
            return envelope;
        }
        byte[] bytes = jsonBytes(exchange);
        if (bytes != null) {
            ObjectNode json = codec.parseObject(bytes);
            if (json.has("event_type")) {
                return withDefaults(json, codec, source);
            }
            return newEvent(eventType, source, json, what);
        }
        if (body == null) {
            throw new FatalException("cannot publish to " + what + ": the body is null");
        }
        return newEvent(eventType, source, MAPPER.valueToTree(body), what);
    }

    /** The body as JSON bytes when it is text (String, bytes, stream), else null (an object, an envelope). */
    static byte[] jsonBytes(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof String text) {
            // JSON is UTF-8 whatever the JVM's default charset (a POSIX locale makes it ASCII on Java 17)
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return body instanceof byte[] || body instanceof InputStream ? exchange.getMessage().getBody(byte[].class)
                : null;
    }

    /**
     * When the exchange came from a consumed event and sends a different one, stamps {@code parent_event_id} and
     * copies {@code trace_id} and {@code request_id}; then sets {@code published_at}.
     */
    static void stampLineage(Envelope envelope, ConsumedEvent consumed) {
        if (consumed != null && !consumed.eventId().equals(envelope.getEventId())) {
            if (envelope.getParentEventId() == null) {
                envelope.setParentEventId(consumed.eventId());
            }
            if (envelope.getTraceId() == null) {
                envelope.setTraceId(consumed.traceId());
            }
            if (envelope.getRequestId() == null) {
                envelope.setRequestId(consumed.requestId());
            }
        }
        envelope.setPublishedAt(DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
    }

    private static Envelope newEvent(String eventType, String source, JsonNode data, String what) {
        if (eventType == null || eventType.isBlank()) {
            throw new InvalidEnvelopeException("event_type", "cannot publish to " + what
                    + ": the body is not an envelope and no event type is given (set the endpoint's eventType option "
                    + "or the EventType header)");
        }
        return Envelope.create(eventType, source, data);
    }

    /**
     * The envelope of publishable JSON, with what a publish may leave out filled in: {@code event_id},
     * {@code schema_version}, {@code source} and {@code published_at}.
     */
    static Envelope withDefaults(ObjectNode json, EnvelopeCodec codec, String source) {
        fillDefaults(json, source);
        return codec.fromJson(json);
    }

    private static void fillDefaults(ObjectNode json, String source) {
        if (!json.hasNonNull("event_id")) {
            json.put("event_id", UUID.randomUUID().toString());
        }
        if (!json.hasNonNull("schema_version")) {
            json.put("schema_version", Envelope.DEFAULT_SCHEMA_VERSION);
        }
        if (!json.hasNonNull("source")) {
            json.put("source", source);
        }
        if (!json.hasNonNull("published_at")) {
            json.put("published_at", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
        }
    }
}
