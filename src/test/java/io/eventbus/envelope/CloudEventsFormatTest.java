package io.eventbus.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class CloudEventsFormatTest {

    private static final String CLOUD_EVENT = """
            {
              "specversion": "1.0",
              "id": "b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0",
              "type": "FREE_FOOD_EVENT",
              "source": "umass-calendar",
              "time": "2025-11-02T16:03:22+02:00",
              "subject": "cs-building",
              "schemaversion": "1.2.0",
              "traceid": "trace-123",
              "requestid": "req-456",
              "parenteventid": "parent-789",
              "correlationid": "corr-1",
              "partitionkey": "cs-building",
              "retrycount": 2,
              "data": {"title": "Free Pizza Night", "llm_confidence": 0.93}
            }""";

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void decodesStructuredCloudEventToTheEnvelope() {
        Envelope envelope = codec.decode(utf8(CLOUD_EVENT));

        assertEquals("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", envelope.getEventId());
        assertEquals("FREE_FOOD_EVENT", envelope.getEventType());
        assertEquals("umass-calendar", envelope.getSource());
        assertEquals("1.2.0", envelope.getSchemaVersion());
        assertEquals("trace-123", envelope.getTraceId());
        assertEquals("req-456", envelope.getRequestId());
        assertEquals("parent-789", envelope.getParentEventId());
        assertEquals("corr-1", envelope.getCorrelationId());
        assertEquals("cs-building", envelope.getKey());
        assertEquals(2, envelope.getRetryCount());
        assertEquals("Free Pizza Night", envelope.getData().get("title").asText());
    }

    @Test
    void convertsOffsetTimeToUtcEndingInZ() {
        Envelope envelope = codec.decode(utf8(CLOUD_EVENT));

        assertEquals("2025-11-02T14:03:22Z", envelope.getPublishedAt());
    }

    @Test
    void keepsFractionalSecondsWhenConvertingTimeToUtc() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.put("time", "2025-11-02T09:03:22.250-05:00");

        assertEquals("2025-11-02T14:03:22.250Z", decode(cloudEvent).getPublishedAt());
    }

    @Test
    void keepsUtcTimeAsItIs() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.put("time", "2025-11-02T14:03:22Z");

        assertEquals("2025-11-02T14:03:22Z", decode(cloudEvent).getPublishedAt());
    }

    @Test
    void reportsAnUnparsableTimeAsABadPublishedAt() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.put("time", "last tuesday");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> decode(cloudEvent));

        assertEquals("published_at", e.getField());
        assertEquals("published_at: \"last tuesday\" is not an ISO-8601 UTC timestamp ending in Z", e.getMessage());
    }

    @Test
    void reportsMissingRequiredAttributesByTheirEnvelopeNames() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> codec.decode(utf8("{\"specversion\":\"1.0\",\"type\":\"FREE_FOOD_EVENT\"}")));

        assertEquals("event_id: required field is missing; source: required field is missing; "
                + "published_at: required field is missing", e.getMessage());
    }

    @Test
    void keepsOtherAttributesAsUnknownTopLevelFields() {
        Envelope envelope = codec.decode(utf8(CLOUD_EVENT));

        assertEquals(List.of("subject"), new ArrayList<>(envelope.getExtensions().keySet()));
        assertEquals("cs-building", envelope.getExtensions().get("subject").asText());
        assertEquals("cs-building", codec.toJson(envelope).get("subject").asText());
    }

    @Test
    void defaultsAMissingSchemaVersionToOneZeroZero() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.remove("schemaversion");

        assertEquals("1.0.0", decode(cloudEvent).getSchemaVersion());
    }

    @Test
    void rejectsSpecVersionOtherThanOneZero() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.put("specversion", "0.3");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> decode(cloudEvent));

        assertEquals("specversion", e.getField());
        assertEquals("specversion: only CloudEvents 1.0 is supported but was \"0.3\"", e.getMessage());
    }

    @Test
    void rejectsSpecVersionThatIsNotAString() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.put("specversion", 1);

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> decode(cloudEvent));

        assertEquals("specversion: only CloudEvents 1.0 is supported but was 1", e.getMessage());
    }

    @Test
    void encodesTheEnvelopeAsCloudEventsOneZero() {
        Envelope envelope = codec.decode(utf8(CLOUD_EVENT));

        JsonNode cloudEvent = parse(codec.encodeCloudEvent(envelope));

        assertEquals("1.0", cloudEvent.get("specversion").asText());
        assertEquals("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", cloudEvent.get("id").asText());
        assertEquals("FREE_FOOD_EVENT", cloudEvent.get("type").asText());
        assertEquals("umass-calendar", cloudEvent.get("source").asText());
        assertEquals("2025-11-02T14:03:22Z", cloudEvent.get("time").asText());
        assertEquals("application/json", cloudEvent.get("datacontenttype").asText());
        assertEquals("1.2.0", cloudEvent.get("schemaversion").asText());
        assertEquals("trace-123", cloudEvent.get("traceid").asText());
        assertEquals("req-456", cloudEvent.get("requestid").asText());
        assertEquals("parent-789", cloudEvent.get("parenteventid").asText());
        assertEquals("corr-1", cloudEvent.get("correlationid").asText());
        assertEquals("cs-building", cloudEvent.get("partitionkey").asText());
        assertEquals(2, cloudEvent.get("retrycount").intValue());
        assertEquals("cs-building", cloudEvent.get("subject").asText());
        assertEquals("Free Pizza Night", cloudEvent.at("/data/title").asText());
    }

    @Test
    void usesOnlyCloudEventsAttributeNamesNotEnvelopeFieldNames() {
        JsonNode cloudEvent = parse(codec.encodeCloudEvent(codec.decode(utf8(CLOUD_EVENT))));

        for (String envelopeField : EnvelopeCodec.KNOWN_FIELDS) {
            if (!envelopeField.equals("source") && !envelopeField.equals("data")) {
                assertFalse(cloudEvent.has(envelopeField), envelopeField);
            }
        }
    }

    @Test
    void leavesEmptyTagsAndMetadataOutButCarriesNonEmptyOnes() {
        Envelope envelope = codec.decode(utf8(CLOUD_EVENT));
        JsonNode withoutThem = parse(codec.encodeCloudEvent(envelope));

        envelope.setTags(Map.of("environment", "production"));
        envelope.getMetadata().put("organizer", "ACM");
        JsonNode withThem = parse(codec.encodeCloudEvent(envelope));

        assertFalse(withoutThem.has("tags"));
        assertFalse(withoutThem.has("metadata"));
        assertEquals("{\"environment\":\"production\"}", withThem.get("tags").toString());
        assertEquals("{\"organizer\":\"ACM\"}", withThem.get("metadata").toString());
    }

    @Test
    void encodedCloudEventDecodesBackToAnEqualEnvelope() {
        Envelope original = codec.decode(utf8(CLOUD_EVENT));
        original.setTags(Map.of("environment", "production"));
        original.getMetadata().put("organizer", "ACM");

        Envelope decoded = codec.decode(codec.encodeCloudEvent(original));

        assertEquals(original, decoded);
        assertEquals(new String(codec.encode(original), StandardCharsets.UTF_8),
                new String(codec.encode(decoded), StandardCharsets.UTF_8));
    }

    @Test
    void plainEnvelopeSurvivesACloudEventsRoundTrip() {
        Envelope original = Envelope.create("raw_listing", "cian", parse(utf8("{\"original_id\":\"listing-123\"}")))
                .setPublishedAt("2025-11-28T10:00:00Z");

        Envelope decoded = codec.decode(codec.encodeCloudEvent(original));

        assertEquals(original, decoded);
        assertTrue(decoded.getExtensions().isEmpty(), decoded.getExtensions().toString());
    }

    @Test
    void keepsANonJsonDataContentTypeAsAnUnknownField() {
        ObjectNode cloudEvent = cloudEvent();
        cloudEvent.put("datacontenttype", "text/plain");

        assertEquals("text/plain", decode(cloudEvent).getExtensions().get("datacontenttype").asText());
    }

    private Envelope decode(ObjectNode cloudEvent) {
        return codec.decode(utf8(cloudEvent.toString()));
    }

    private static ObjectNode cloudEvent() {
        return (ObjectNode) parse(utf8(CLOUD_EVENT));
    }

    private static JsonNode parse(byte[] json) {
        try {
            return EnvelopeCodec.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(new String(json, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
