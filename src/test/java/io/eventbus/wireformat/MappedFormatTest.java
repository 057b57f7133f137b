package io.eventbus.wireformat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped mappings read each system's own example message and write it back changing only what changed. */
class MappedFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-01-05T09:30:00Z");
    private static final EnvelopeValidator VALIDATOR = new EnvelopeValidator(new EnvelopeCodec(),
            SchemaRegistry.load("classpath:schemas"), ValidationSettings.defaults());
    private static final WireMappings SHIPPED = new WireMappings(WireMappings.SHIPPED);

    private static MappedFormat format(String name) {
        return new MappedFormat(SHIPPED.named(name), VALIDATOR, Clock.fixed(RECEIVED, ZoneOffset.UTC));
    }

    /** The example as one compact line, as a producer serializing without spaces sends it. */
    static byte[] example(String file) throws IOException {
        try (InputStream in = MappedFormatTest.class.getResourceAsStream("/wire-formats/" + file)) {
            return JSON.writeValueAsBytes(new EnvelopeCodec().readJson(in.readAllBytes()));
        }
    }

    @Test
    void freeFoodReadsTypeRetriesAndTheEventsOwnFieldsAsData() throws IOException {
        Envelope e = format("free-food").read(example("free-food.json"));
        assertEquals("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", e.getEventId());
        assertEquals("FREE_FOOD_EVENT", e.getEventType());
        assertEquals("1.0.0", e.getSchemaVersion());
        assertEquals("umass-calendar", e.getSource());
        assertEquals("2025-11-02T14:03:22Z", e.getPublishedAt());
        assertEquals(0, e.getRetryCount());
        assertEquals("ACM", e.getMetadata().get("organizer"));
        assertEquals(JSON.readTree("{\"title\":\"Free Pizza Night\",\"description\":\"Join us in the CS building for "
                + "free pizza and drinks.\",\"location\":\"CS Building, Room 150\",\"start_time\":"
                + "\"2025-11-02T18:00:00Z\",\"llm_confidence\":0.93,\"reason\":\"LLM detected 'free', 'pizza', "
                + "'food' in description.\"}").toString(), e.getData().toString());
    }

    @Test
    void eachShippedMappingWritesAnUnchangedEventBackAsTheVeryBytesItCameAs() throws IOException {
        String[][] cases = { { "free-food", "free-food.json" }, { "listings", "listings.json" },
            { "features", "features.json" }, { "trading", "trading-order.json" }, { "trading", "trading-rpc.json" },
            { "anomaly", "anomaly.json" } };
        for (String[] c : cases) {
            MappedFormat format = format(c[0]);
            byte[] message = example(c[1]);
            Envelope read = format.read(message);
            read.setPublishedAt("2026-01-05T10:00:00Z"); // the bus stamps every publish; the producer's time stays
            assertSame(message, format.write(read, message), c[1]);
            // an event that went through a route as a copy, every field equal, is the same message too
            assertArrayEquals(message, format.write(read.copy(), message), c[1]);
        }
    }

    @Test
    void aFailedFreeFoodEventChangesOnlyRetriesAndMetadataLastError() throws IOException {
        byte[] message = example("free-food.json");
        MappedFormat format = format("free-food");
        Envelope failed = format.read(message);
        failed.setRetryCount(failed.getRetryCount() + 1);
        failed.getMetadata().put("last_error", "notification service unavailable");
        String expected = new String(message, StandardCharsets.UTF_8)
                .replace("\"retries\":0", "\"retries\":1")
                .replace("\"raw_source_id\":\"cal-2025-11-02-1234\"}",
                        "\"raw_source_id\":\"cal-2025-11-02-1234\",\"last_error\":\"notification service unavailable\"}");
        assertEquals(expected, new String(format.write(failed, message), StandardCharsets.UTF_8));
    }

    @Test
    void unknownFieldsAndNumbersKeepTheirExactFormThroughAChange() throws IOException {
        byte[] message = ("{\"schema_version\":\"1.3.0\",\"event_id\":\"e-1\",\"title\":\"Tacos\",\"source\":\"manual\","
                + "\"type\":\"FREE_FOOD_EVENT\",\"published_at\":\"2025-11-02T14:03:22Z\",\"retries\":2,"
                + "\"metadata\":{},\"capacity\":40.50,\"dietary\":[\"vegan\",\"halal\"],\"llm_confidence\":0.930}")
                .getBytes(StandardCharsets.UTF_8);
        MappedFormat format = format("free-food");
        Envelope e = format.read(message);
        ((ObjectNode) e.getData()).put("title", "Tacos Tuesday");
        assertEquals(new String(message, StandardCharsets.UTF_8).replace("\"Tacos\"", "\"Tacos Tuesday\""),
                new String(format.write(e, message), StandardCharsets.UTF_8));
    }

    @Test
    void listingsReadTheirNestedMetadataAndAShortVersionAndAZonelessTime() throws IOException {
        byte[] message = example("listings.json");
        MappedFormat format = format("listings");
        Envelope e = format.read(message);
        assertEquals("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13", e.getEventId());
        assertEquals("raw_listing", e.getEventType());
        assertEquals("1.0.0", e.getSchemaVersion());
        assertEquals("cian", e.getSource());
        assertEquals("2025-11-28T10:15:30.123456Z", e.getPublishedAt());
        assertEquals("trace-123", e.getTraceId());
        assertEquals("req-456", e.getRequestId());
        assertEquals("production", e.getTags().get("environment"));
        assertEquals("listing-123", e.getData().get("original_id").asText());
        assertTrue(!e.getData().has("metadata"), "metadata is read by the rules, not data");

        e.setRetryCount(1);
        e.getMetadata().put("last_error", "fraud service timed out");
        JsonNode written = JSON.readTree(format.write(e, message));
        JsonNode original = JSON.readTree(message);
        ((ObjectNode) original.get("metadata")).put("retry_count", 1).put("last_error", "fraud service timed out");
        assertEquals(original, written);
    }

    @Test
    void featuresKeepClientIdAsATopLevelFieldOfTheEnvelope() throws IOException {
        byte[] message = example("features.json");
        MappedFormat format = format("features");
        Envelope e = format.read(message);
        assertEquals("uuid", e.getEventId());
        assertEquals("sales_updated", e.getEventType());
        assertEquals("feature-service", e.getSource());
        assertEquals("2025-11-22T14:00:00Z", e.getPublishedAt());
        assertEquals("client-uuid", e.getExtensions().get("client_id").asText());
        assertEquals("sales", e.getData().get("table_name").asText());

        Envelope derived = e.derive("features_updated", JSON.createObjectNode().put("features_count", 42));
        derived.getExtensions().put("client_id", e.getExtensions().get("client_id"));
        derived.setPublishedAt("2025-11-22T14:05:00Z");
        assertEquals("{\"event_id\":\"" + derived.getEventId() + "\",\"event_type\":\"features_updated\","
                + "\"timestamp\":\"2025-11-22T14:05:00Z\",\"data\":{\"features_count\":42},\"client_id\":\"client-uuid\"}",
                new String(format.write(derived, null), StandardCharsets.UTF_8));
    }

    @Test
    void tradingMessagesGetAnIdAndTheTimeOfReceiptAndRepliesArePlainObjects() throws IOException {
        MappedFormat format = format("trading");
        Envelope order = format.read(example("trading-order.json"));
        assertEquals("place_order", order.getEventType());
        assertEquals(36, order.getEventId().length());
        assertEquals("2026-01-05T09:30:00Z", order.getPublishedAt());
        assertEquals("trading", order.getSource());
        assertEquals("AAPL", order.getData().get("symbol").asText());
        assertTrue(!order.getData().has("action"));
        assertNotEquals(order.getEventId(), format.read(example("trading-order.json")).getEventId());

        Envelope reply = order.derive("place_order_reply", JSON.createObjectNode().put("status", "ok")
                .put("message", "Order processed"));
        reply.setPublishedAt("2026-01-05T09:30:01Z");
        assertEquals("{\"action\":\"place_order_reply\",\"status\":\"ok\",\"message\":\"Order processed\"}",
                new String(format.write(reply, null), StandardCharsets.UTF_8));
    }

    @Test
    void anomalyMessagesReadTheirBodyAsDataAndHeadersAsMetadata() throws IOException {
        Envelope e = format("anomaly").read(example("anomaly.json"));
        assertEquals("5f0c3a7e-8b1d-4c2a-9e6f-1a2b3c4d5e6f", e.getEventId());
        assertEquals("anomaly_detection", e.getEventType());
        assertEquals("2025-11-28T10:00:00Z", e.getPublishedAt());
        assertEquals("isolation_forest", e.getData().get("algorithm").asText());
        assertEquals("2025-11-28T10:00:00.000001", e.getMetadata().get("processed_at"));
    }

    @Test
    void errorsNameTheNativeFieldAndTheEnvelopeFieldItMapsTo() throws IOException {
        ObjectNode noType = (ObjectNode) JSON.readTree(example("free-food.json"));
        noType.remove("type");
        InvalidEnvelopeException missing = assertThrows(InvalidEnvelopeException.class,
                () -> format("free-food").read(JSON.writeValueAsBytes(noType)));
        assertEquals("type: required field is missing (mapped to event_type)", missing.getMessage());
        assertEquals("type", missing.getField());

        ObjectNode tooSure = (ObjectNode) JSON.readTree(example("free-food.json"));
        tooSure.put("llm_confidence", 1.5).put("retries", "none");
        InvalidEnvelopeException twice = assertThrows(InvalidEnvelopeException.class,
                () -> format("free-food").read(JSON.writeValueAsBytes(tooSure)));
        assertEquals("retries: expected an integer but was a string (mapped to retry_count)", twice.getMessage());
        tooSure.put("retries", 0);
        InvalidEnvelopeException schema = assertThrows(InvalidEnvelopeException.class,
                () -> format("free-food").read(JSON.writeValueAsBytes(tooSure)));
        assertEquals("llm_confidence: must have a maximum value of 1 (schema FREE_FOOD_EVENT/1) "
                + "(mapped to data.llm_confidence)", schema.getMessage());

        ObjectNode listing = (ObjectNode) JSON.readTree(example("listings.json"));
        ((ObjectNode) listing.get("metadata")).remove("event_type");
        ((ObjectNode) listing.get("metadata")).put("timestamp", "yesterday");
        InvalidEnvelopeException nested = assertThrows(InvalidEnvelopeException.class,
                () -> format("listings").read(JSON.writeValueAsBytes(listing)));
        assertEquals("metadata.event_type: required field is missing (mapped to event_type); metadata.timestamp: "
                + "\"yesterday\" is not an ISO-8601 UTC timestamp ending in Z (mapped to published_at)",
                nested.getMessage());

        InvalidEnvelopeException notJson = assertThrows(InvalidEnvelopeException.class,
                () -> format("trading").read("{\"action\": \"place_or".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notJson.getMessage().startsWith("message: not valid JSON"), notJson.getMessage());
        assertTrue(notJson.getMessage().endsWith("(wire format trading)"), notJson.getMessage());
    }

    @Test
    void aMissingFieldCanBeFilledFromAnotherFieldAndFillsAreNotWrittenBack(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("orders.yaml"), """
                fields:
                  event_id:       {from: /id}
                  event_type:     {from: /kind, missing: {value: order}}
                  schema_version: {value: "2.1.0"}
                  source:         {value: shop}
                  published_at:   {from: /at, missing: receipt-time}
                  key:            {from: /customer, missing: {field: event_id}}
                data: /order
                """);
        MappedFormat format = new MappedFormat(new WireMappings(dir.toString()).named("orders"), VALIDATOR,
                Clock.fixed(RECEIVED, ZoneOffset.UTC));
        byte[] message = "{\"id\":\"o-7\",\"order\":{\"total\":12.50}}".getBytes(StandardCharsets.UTF_8);
        Envelope e = format.read(message);
        assertEquals("order", e.getEventType());
        assertEquals("o-7", e.getKey());
        assertEquals("2.1.0", e.getSchemaVersion());
        assertEquals("2026-01-05T09:30:00Z", e.getPublishedAt());
        ((ObjectNode) e.getData()).put("paid", true);
        assertEquals("{\"id\":\"o-7\",\"order\":{\"total\":12.50,\"paid\":true}}",
                new String(format.write(e, message), StandardCharsets.UTF_8));
    }

    @Test
    void aMappingFileMustSayWhereEveryRequiredFieldComesFrom(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("broken.yaml"), """
                fields:
                  event_id:       {from: /id}
                  schema_version: {value: "1.0.0"}
                  source:         {value: shop}
                  published_at:   {missing: receipt-time}
                data: rest
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WireMappings(dir.toString()).named("broken"));
        assertTrue(e.getMessage().contains("broken.yaml: fields.event_type: missing"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new WireMappings(dir.toString()).named("nowhere"));
        assertTrue(unknown.getMessage().contains("looked for nowhere.yaml in " + dir + " and classpath:wireformats"),
                unknown.getMessage());
    }
}
