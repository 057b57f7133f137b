package io.eventbus.envelope;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CloudEvents 1.0 structured JSON mode, mapped to and from the envelope.
 * <p>
 * {@code id}↔{@code event_id}, {@code type}↔{@code event_type}, {@code source}↔{@code source},
 * {@code time}↔{@code published_at} (an offset time is converted to UTC), {@code data}↔{@code data}; the other
 * envelope fields travel as CloudEvents extension attributes, whose names allow only lowercase letters and digits:
 * {@code schemaversion}, {@code traceid}, {@code requestid}, {@code parenteventid}, {@code correlationid},
 * {@code partitionkey} (the CloudEvents partitioning extension) and {@code retrycount}. A CloudEvent without
 * {@code schemaversion} is taken as {@code 1.0.0}. A {@code datacontenttype} of {@code application/json} is implied
 * by the envelope and dropped. Any other attribute ({@code subject}, {@code dataschema}, …) is kept as an unknown
 * top-level field and written back unchanged.
 */
final class CloudEventsFormat {

    private static final String SPEC_VERSION = "1.0";
    private static final String JSON_CONTENT_TYPE = "application/json";

    /** CloudEvents attribute → envelope field; the same table read backwards on output. */
    private static final Map<String, String> ATTRIBUTES = Map.ofEntries(
            Map.entry("id", "event_id"),
            Map.entry("type", "event_type"),
            Map.entry("source", "source"),
            Map.entry("time", "published_at"),
            Map.entry("data", "data"),
            Map.entry("schemaversion", "schema_version"),
            Map.entry("traceid", "trace_id"),
            Map.entry("requestid", "request_id"),
            Map.entry("parenteventid", "parent_event_id"),
            Map.entry("correlationid", "correlation_id"),
            Map.entry("partitionkey", "key"),
            Map.entry("retrycount", "retry_count"));

    private CloudEventsFormat() {
    }

    static boolean isCloudEvent(ObjectNode json) {
        return json.has("specversion");
    }

    static ObjectNode toEnvelopeJson(ObjectNode cloudEvent) throws InvalidEnvelopeException {
        JsonNode specVersion = cloudEvent.get("specversion");
        if (!specVersion.isTextual() || !SPEC_VERSION.equals(specVersion.asText())) {
            throw new InvalidEnvelopeException("specversion",
                    "only CloudEvents 1.0 is supported but was " + specVersion);
        }
        ObjectNode envelope = EnvelopeCodec.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> attributes = cloudEvent.fields();
        while (attributes.hasNext()) {
            Map.Entry<String, JsonNode> attribute = attributes.next();
            String name = attribute.getKey();
            JsonNode value = attribute.getValue();
            // the envelope's data is always JSON and fromEnvelopeJson always declares it, so keeping a JSON
            // datacontenttype as an unknown field would make an encoded event decode to a different envelope
            boolean jsonContentType = name.equals("datacontenttype") && JSON_CONTENT_TYPE.equals(value.asText());
            if (name.equals("specversion") || jsonContentType) {
                continue;
            }
            if (name.equals("time") && value.isTextual()) {
                value = EnvelopeCodec.MAPPER.getNodeFactory().textNode(toUtc(value.asText()));
            }
            envelope.set(ATTRIBUTES.getOrDefault(name, name), value);
        }
        if (!envelope.has("schema_version")) {
            envelope.put("schema_version", Envelope.DEFAULT_SCHEMA_VERSION);
        }
        return envelope;
    }

    static ObjectNode fromEnvelopeJson(ObjectNode envelope) {
        ObjectNode cloudEvent = EnvelopeCodec.MAPPER.createObjectNode();
        cloudEvent.put("specversion", SPEC_VERSION);
        cloudEvent.set("id", envelope.get("event_id"));
        cloudEvent.set("source", envelope.get("source"));
        cloudEvent.set("type", envelope.get("event_type"));
        if (envelope.has("published_at")) {
            cloudEvent.set("time", envelope.get("published_at"));
        }
        cloudEvent.put("datacontenttype", JSON_CONTENT_TYPE);
        Map<String, String> byField = new java.util.HashMap<>();
        ATTRIBUTES.forEach((attribute, field) -> byField.put(field, attribute));
        Iterator<Map.Entry<String, JsonNode>> fields = envelope.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String attribute = byField.getOrDefault(field.getKey(), field.getKey());
            JsonNode value = field.getValue();
            boolean emptyObject = value.isObject() && value.isEmpty();
            if (!cloudEvent.has(attribute) && !emptyObject && !value.isNull()) {
                cloudEvent.set(attribute, value);
            }
        }
        if (envelope.has("data")) {
            cloudEvent.set("data", envelope.get("data"));
        }
        return cloudEvent;
    }

    /** Converts an RFC 3339 time with any offset to UTC ending in Z; leaves anything unparsable for validation. */
    private static String toUtc(String time) {
        if (time.endsWith("Z")) {
            return time;
        }
        try {
            return OffsetDateTime.parse(time).withOffsetSameInstant(ZoneOffset.UTC)
                    .format(DateTimeFormatter.ISO_INSTANT);
        } catch (DateTimeParseException e) {
            return time;
        }
    }
}
