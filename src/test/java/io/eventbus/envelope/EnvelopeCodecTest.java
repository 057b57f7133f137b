package io.eventbus.envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.eventbus.envelope.InvalidEnvelopeException.Violation;
import io.eventbus.transport.FatalException;

class EnvelopeCodecTest {

    private static final String FULL_ENVELOPE = """
            {"event_id":"b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0","event_type":"FREE_FOOD_EVENT",\
            "schema_version":"1.0.0","source":"umass-calendar","published_at":"2025-11-02T14:03:22Z",\
            "trace_id":"trace-123","request_id":"req-456","parent_event_id":"parent-789",\
            "correlation_id":"corr-1","key":"cs-building","retry_count":2,\
            "tags":{"environment":"production","campus":"amherst"},\
            "metadata":{"organizer":"ACM","raw_source_id":"cal-2025-11-02-1234","attempts":[1,2],"score":0.75},\
            "data":{"title":"Free Pizza Night","llm_confidence":0.93}}""";

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void decodesEveryEnvelopeField() {
        Envelope envelope = codec.decode(utf8(FULL_ENVELOPE));

        assertEquals("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", envelope.getEventId());
        assertEquals("FREE_FOOD_EVENT", envelope.getEventType());
        assertEquals("1.0.0", envelope.getSchemaVersion());
        assertEquals(1, envelope.schemaMajor());
        assertEquals("umass-calendar", envelope.getSource());
        assertEquals("2025-11-02T14:03:22Z", envelope.getPublishedAt());
        assertEquals("trace-123", envelope.getTraceId());
        assertEquals("req-456", envelope.getRequestId());
        assertEquals("parent-789", envelope.getParentEventId());
        assertEquals("corr-1", envelope.getCorrelationId());
        assertEquals("cs-building", envelope.getKey());
        assertEquals(2, envelope.getRetryCount());
        assertEquals(Map.of("environment", "production", "campus", "amherst"), envelope.getTags());
        assertEquals("ACM", envelope.getMetadata().get("organizer"));
        assertEquals(List.of(1, 2), envelope.getMetadata().get("attempts"));
        assertEquals("Free Pizza Night", envelope.getData().get("title").asText());
        assertEquals(0.93, envelope.getData().get("llm_confidence").doubleValue());
        assertTrue(envelope.getExtensions().isEmpty());
    }

    @Test
    void optionalFieldsDefaultWhenAbsent() {
        Envelope envelope = codec.decode(utf8(minimalEnvelope().toString()));

        assertNull(envelope.getTraceId());
        assertNull(envelope.getRequestId());
        assertNull(envelope.getParentEventId());
        assertNull(envelope.getCorrelationId());
        assertNull(envelope.getKey());
        assertEquals(0, envelope.getRetryCount());
        assertEquals(Map.of(), envelope.getTags());
        assertEquals(Map.of(), envelope.getMetadata());
        assertEquals(NullNode.getInstance(), envelope.getData());
    }

    @Test
    void rejectsGarbageAsNotJson() {
        InvalidEnvelopeException e = assertInvalid(utf8("not json"));

        assertEquals("envelope", e.getField());
        assertEquals("envelope: not valid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, "
                + "Object or token 'null', 'true' or 'false') (line 1, column 5)", e.getMessage());
    }

    @Test
    void rejectsEmptyBytesAsEmptyMessage() {
        InvalidEnvelopeException e = assertInvalid(new byte[0]);

        assertEquals("envelope", e.getField());
        assertEquals("envelope: not valid JSON: the message is empty", e.getMessage());
    }

    @Test
    void rejectsTruncatedObject() {
        InvalidEnvelopeException e = assertInvalid(utf8("{\"event_id\": \"a\""));

        assertEquals("envelope", e.getField());
        assertEquals("envelope: not valid JSON: Unexpected end-of-input: expected close marker for Object "
                + "(start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
                + "line: 1, column: 1]) (line 1, column 17)", e.getMessage());
    }

    @Test
    void rejectsTrailingContentAfterTheObject() {
        InvalidEnvelopeException e = assertInvalid(utf8(minimalEnvelope() + " {}"));

        assertEquals("envelope", e.getField());
        assertTrue(e.getMessage().startsWith("envelope: not valid JSON: Trailing token (of type START_OBJECT) found "
                + "after value"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1,2]            | envelope: expected a JSON object but was an array",
            "\"an event\"     | envelope: expected a JSON object but was a string",
            "42               | envelope: expected a JSON object but was an integer",
            "4.2              | envelope: expected a JSON object but was a number",
            "true             | envelope: expected a JSON object but was a boolean",
            "null             | envelope: expected a JSON object but was null"})
    void rejectsJsonThatIsNotAnObject(String json, String message) {
        InvalidEnvelopeException e = assertInvalid(utf8(json));

        assertEquals("envelope", e.getField());
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "event_type", "schema_version", "source", "published_at"})
    void rejectsEachMissingRequiredField(String field) {
        ObjectNode json = minimalEnvelope();
        json.remove(field);

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals(field, e.getField());
        assertEquals(field + ": required field is missing", e.getMessage());
        assertEquals(List.of(new Violation(field, "required field is missing")), e.getViolations());
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "event_type", "schema_version", "source", "published_at"})
    void treatsNullRequiredFieldAsMissing(String field) {
        ObjectNode json = minimalEnvelope();
        json.putNull(field);

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals(field + ": required field is missing", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "event_type", "schema_version", "source", "published_at"})
    void rejectsBlankRequiredField(String field) {
        ObjectNode json = minimalEnvelope();
        json.put(field, "  ");

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals(field, e.getField());
        assertEquals(field + ": must not be empty", e.getMessage());
    }

    @Test
    void reportsEveryMissingRequiredFieldInDeclarationOrder() {
        InvalidEnvelopeException e = assertInvalid(utf8("{}"));

        assertEquals("event_id: required field is missing; event_type: required field is missing; "
                + "schema_version: required field is missing; source: required field is missing; "
                + "published_at: required field is missing", e.getMessage());
        assertEquals(List.of("event_id", "event_type", "schema_version", "source", "published_at"),
                e.getViolations().stream().map(Violation::field).toList());
    }

    @Test
    void rejectsEventIdThatIsANumber() {
        ObjectNode json = minimalEnvelope();
        json.put("event_id", 42);

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("event_id", e.getField());
        assertEquals("event_id: expected a string but was an integer", e.getMessage());
    }

    @Test
    void rejectsOptionalStringFieldOfAnotherType() {
        ObjectNode json = minimalEnvelope();
        json.put("trace_id", true);

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("trace_id", e.getField());
        assertEquals("trace_id: expected a string but was a boolean", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"3\"        | retry_count: expected an integer but was a string",
            "-1           | retry_count: must be >= 0 but was -1",
            "1.5          | retry_count: expected an integer but was a number",
            "1.0          | retry_count: expected an integer but was a number",
            "3000000000   | retry_count: must be <= 2147483647 but was 3000000000",
            "-3000000000  | retry_count: must be >= 0 but was -3000000000",
            "{}           | retry_count: expected an integer but was an object"})
    void rejectsRetryCountThatIsNotANonNegativeInt(String retryCount, String message) {
        ObjectNode json = minimalEnvelope();
        json.set("retry_count", parse(retryCount));

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("retry_count", e.getField());
        assertEquals(message, e.getMessage());
    }

    @Test
    void acceptsNullRetryCountAsZero() {
        ObjectNode json = minimalEnvelope();
        json.putNull("retry_count");

        assertEquals(0, codec.fromJson(json).getRetryCount());
    }

    @Test
    void rejectsTagsThatAreNotAnObject() {
        ObjectNode json = minimalEnvelope();
        json.putArray("tags").add("production");

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("tags", e.getField());
        assertEquals("tags: expected an object but was an array", e.getMessage());
    }

    @Test
    void rejectsEveryTagValueThatIsNotAString() {
        ObjectNode json = minimalEnvelope();
        json.set("tags", parse("{\"environment\":\"production\",\"priority\":1,\"nested\":{}}"));

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("tags.priority", e.getField());
        assertEquals("tags.priority: expected a string but was an integer; "
                + "tags.nested: expected a string but was an object", e.getMessage());
    }

    @Test
    void rejectsMetadataThatIsNotAnObject() {
        ObjectNode json = minimalEnvelope();
        json.put("metadata", "organizer=ACM");

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("metadata", e.getField());
        assertEquals("metadata: expected an object but was a string", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-02T14:03:22", "2025-11-02T14:03:22+02:00", "2025-11-02T14:03:22+00:00",
            "yesterday", "2025-11-02", "2025-13-02T14:03:22Z", "2025-11-02 14:03:22Z", "2025-11-02T14:03Z"})
    void rejectsPublishedAtThatIsNotIsoUtcEndingInZ(String publishedAt) {
        ObjectNode json = minimalEnvelope();
        json.put("published_at", publishedAt);

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("published_at", e.getField());
        assertEquals("published_at: \"" + publishedAt + "\" is not an ISO-8601 UTC timestamp ending in Z",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-02T14:03:22Z", "2025-11-02T14:03:22.5Z", "2025-11-02T14:03:22.123456789Z"})
    void acceptsPublishedAtInUtcWithOrWithoutFraction(String publishedAt) {
        ObjectNode json = minimalEnvelope();
        json.put("published_at", publishedAt);

        assertEquals(publishedAt, codec.fromJson(json).getPublishedAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "v1.0.0", "01.0.0", "1.00.0", "1.0.0-beta", "1.0.0.0", "1", "99999999999.0.0"})
    void rejectsSchemaVersionThatIsNotSemver(String version) {
        ObjectNode json = minimalEnvelope();
        json.put("schema_version", version);

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals("schema_version", e.getField());
        assertEquals("schema_version: \"" + version + "\" is not a semantic version major.minor.patch",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0.9.1, 0", "1.0.0, 1", "2.10.3, 2", "10.0.0, 10"})
    void acceptsSemverSchemaVersionAndExposesItsMajor(String version, int major) {
        ObjectNode json = minimalEnvelope();
        json.put("schema_version", version);

        assertEquals(major, codec.fromJson(json).schemaMajor());
    }

    @Test
    void reportsSeveralViolationsAtOnceInTheOrderTheyWereChecked() {
        ObjectNode json = minimalEnvelope();
        json.remove("source");
        json.put("event_id", 7);
        json.put("retry_count", -2);
        json.put("tags", "x");
        json.put("schema_version", "1.0");
        json.put("published_at", "2025-11-02T14:03:22+02:00");

        InvalidEnvelopeException e = assertInvalid(json);

        assertEquals(List.of(
                new Violation("source", "required field is missing"),
                new Violation("event_id", "expected a string but was an integer"),
                new Violation("retry_count", "must be >= 0 but was -2"),
                new Violation("tags", "expected an object but was a string"),
                new Violation("schema_version", "\"1.0\" is not a semantic version major.minor.patch"),
                new Violation("published_at",
                        "\"2025-11-02T14:03:22+02:00\" is not an ISO-8601 UTC timestamp ending in Z")),
                e.getViolations());
        assertEquals("source", e.getField());
        assertEquals("source: required field is missing; event_id: expected a string but was an integer; "
                + "retry_count: must be >= 0 but was -2; tags: expected an object but was a string; "
                + "schema_version: \"1.0\" is not a semantic version major.minor.patch; "
                + "published_at: \"2025-11-02T14:03:22+02:00\" is not an ISO-8601 UTC timestamp ending in Z",
                e.getMessage());
    }

    @Test
    void invalidEnvelopesAreFatalSoTheyAreNeverRetried() {
        InvalidEnvelopeException e = assertInvalid(utf8("{}"));

        assertInstanceOf(FatalException.class, e);
    }

    @Test
    void encodesAFullEnvelopeBackToTheSameBytes() {
        byte[] wire = utf8(FULL_ENVELOPE);

        assertEquals(FULL_ENVELOPE, text(codec.encode(codec.decode(wire))));
    }

    @Test
    void keepsUnknownTopLevelFieldsIncludingNestedOnesOnRoundTrip() {
        String wire = """
                {"event_id":"e-1","event_type":"raw_listing","schema_version":"1.2.0","source":"cian",\
                "published_at":"2025-11-28T10:00:00Z","retry_count":0,"tags":{},"metadata":{},"data":null,\
                "max_retries":3,"status":"pending","context":{"region":{"city":"Moscow","ids":[1,2.50,{"x":null}]}},\
                "version":"1.0","flags":[true,false],"nothing":null}""";

        Envelope envelope = codec.decode(utf8(wire));

        assertEquals(List.of("max_retries", "status", "context", "version", "flags", "nothing"),
                new ArrayList<>(envelope.getExtensions().keySet()));
        assertEquals("Moscow", envelope.getExtensions().get("context").at("/region/city").asText());
        assertEquals(wire, text(codec.encode(envelope)));
    }

    @Test
    void republishesDecimalsExactlyAsTheProducerWroteThem() {
        String wire = """
                {"event_id":"e-1","event_type":"processed_listing","schema_version":"1.0.0","source":"cian",\
                "published_at":"2025-11-28T10:00:00Z","retry_count":0,"tags":{},"metadata":{"amount":100.00},\
                "data":{"price":4500000.00,"fraud_score":0.350,"processing_duration_ms":125.5},"total":1.10}""";

        assertEquals(wire, text(codec.encode(codec.decode(utf8(wire)))));
        assertEquals(wire, text(codec.encode(codec.decode(utf8(wire)).copy())));
    }

    @Test
    void writesKnownFieldsFirstAndUnknownFieldsInTheirOriginalOrder() {
        String wire = """
                {"zeta":1,"event_id":"e-1","alpha":{"b":2,"a":1},"event_type":"raw_listing",\
                "schema_version":"1.0.0","middle":"m","source":"cian","published_at":"2025-11-28T10:00:00Z"}""";

        String encoded = text(codec.encode(codec.decode(utf8(wire))));

        assertEquals("""
                {"event_id":"e-1","event_type":"raw_listing","schema_version":"1.0.0","source":"cian",\
                "published_at":"2025-11-28T10:00:00Z","retry_count":0,"tags":{},"metadata":{},"data":null,\
                "zeta":1,"alpha":{"b":2,"a":1},"middle":"m"}""", encoded);
    }

    @Test
    void encodedEnvelopeDecodesToAnEqualEnvelope() {
        Envelope original = codec.decode(utf8(FULL_ENVELOPE));
        original.getExtensions().put("x_origin", parse("{\"site\":\"cian.ru\"}"));

        assertEquals(original, codec.decode(codec.encode(original)));
    }

    @Test
    void omitsAbsentOptionalStringFieldsWhenEncoding() {
        Envelope envelope = Envelope.create("raw_listing", "cian", null).setPublishedAt("2025-11-28T10:00:00Z");

        ObjectNode json = codec.toJson(envelope);

        assertEquals(List.of("event_id", "event_type", "schema_version", "source", "published_at", "retry_count",
                "tags", "metadata", "data"), fieldNames(json));
    }

    @Test
    void decodesAbsentMetadataToAnEmptyMapAndWritesItAsAnEmptyObject() {
        Envelope envelope = codec.decode(utf8(minimalEnvelope().toString()));

        assertEquals(Map.of(), envelope.getMetadata());
        assertEquals("{}", codec.toJson(envelope).get("metadata").toString());
    }

    @Test
    void decodesNullMetadataToAnEmptyMapAndWritesItAsAnEmptyObject() {
        ObjectNode json = minimalEnvelope();
        json.putNull("metadata");

        Envelope envelope = codec.fromJson(json);

        assertEquals(Map.of(), envelope.getMetadata());
        assertEquals("{}", codec.toJson(envelope).get("metadata").toString());
    }

    @Test
    void settingNullMetadataOrTagsKeepsThemEmptyNotNull() {
        Envelope envelope = Envelope.create("raw_listing", "cian", null).setMetadata(null).setTags(null);

        assertEquals(Map.of(), envelope.getMetadata());
        assertEquals(Map.of(), envelope.getTags());
        assertEquals(NullNode.getInstance(), envelope.setData(null).getData());
    }

    @Test
    void keepsAnyJsonAsData() {
        ObjectNode json = minimalEnvelope();
        json.set("data", parse("[1,\"two\",{\"three\":3}]"));

        Envelope envelope = codec.fromJson(json);

        assertEquals("[1,\"two\",{\"three\":3}]", envelope.getData().toString());
    }

    @Test
    void copyIsDeep() {
        Envelope original = codec.decode(utf8(FULL_ENVELOPE));
        original.getMetadata().put("nested", new LinkedHashMap<>(Map.of("level", "one")));
        original.getExtensions().put("context", parse("{\"city\":\"Moscow\"}"));
        byte[] before = codec.encode(original);

        Envelope copy = original.copy();
        assertEquals(original, copy);

        copy.setEventId("other").setRetryCount(9);
        copy.getTags().put("environment", "staging");
        copy.getMetadata().put("last_error", "boom");
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) copy.getMetadata().get("nested");
        nested.put("level", "two");
        @SuppressWarnings("unchecked")
        List<Object> attempts = (List<Object>) copy.getMetadata().get("attempts");
        attempts.add(3);
        ((ObjectNode) copy.getData()).put("title", "Changed");
        ((ObjectNode) copy.getExtensions().get("context")).put("city", "Kazan");
        copy.getExtensions().put("added", NullNode.getInstance());

        assertEquals(text(before), text(codec.encode(original)));
        assertNotEquals(original, copy);
    }

    @Test
    void deriveStartsANewEventInTheSameTrace() {
        Envelope parent = codec.decode(utf8(FULL_ENVELOPE));
        JsonNode data = parse("{\"listing_id\":\"123\",\"fraud_score\":0.85,\"risk_level\":\"high\"}");

        Envelope child = parent.derive("fraud_detected", data);

        assertNotEquals(parent.getEventId(), child.getEventId());
        assertEquals(child.getEventId(), UUID.fromString(child.getEventId()).toString());
        assertEquals("fraud_detected", child.getEventType());
        assertEquals("1.0.0", child.getSchemaVersion());
        assertEquals(parent.getSource(), child.getSource());
        assertEquals(parent.getEventId(), child.getParentEventId());
        assertEquals("trace-123", child.getTraceId());
        assertEquals("req-456", child.getRequestId());
        assertNull(child.getPublishedAt());
        assertEquals(0, child.getRetryCount());
        assertEquals(Map.of(), child.getMetadata());
        assertEquals(data, child.getData());
        assertEquals("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", parent.getEventId());
    }

    @Test
    void createGivesEachEventARandomUuidAndVersionOneZeroZero() {
        Envelope first = Envelope.create("raw_listing", "cian", null);
        Envelope second = Envelope.create("raw_listing", "cian", null);

        assertNotEquals(first.getEventId(), second.getEventId());
        assertEquals(first.getEventId(), UUID.fromString(first.getEventId()).toString());
        assertEquals("1.0.0", first.getSchemaVersion());
        assertEquals(NullNode.getInstance(), first.getData());
    }

    private InvalidEnvelopeException assertInvalid(byte[] bytes) {
        return assertThrows(InvalidEnvelopeException.class, () -> codec.decode(bytes));
    }

    private InvalidEnvelopeException assertInvalid(ObjectNode json) {
        InvalidEnvelopeException fromJson = assertThrows(InvalidEnvelopeException.class, () -> codec.fromJson(json));
        InvalidEnvelopeException fromBytes = assertInvalid(utf8(json.toString()));
        assertEquals(fromJson.getViolations(), fromBytes.getViolations());
        return fromBytes;
    }

    private static ObjectNode minimalEnvelope() {
        return (ObjectNode) parse("""
                {"event_id":"e-1","event_type":"raw_listing","schema_version":"1.0.0","source":"cian",\
                "published_at":"2025-11-28T10:00:00Z"}""");
    }

    private static List<String> fieldNames(ObjectNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode parse(String json) {
        try {
            return EnvelopeCodec.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The timestamp check's fast path agrees with {@link java.time.Instant#parse} (the rule) on every form. */
    @ParameterizedTest
    @ValueSource(strings = {"2025-11-02T14:03:22Z", "2025-11-02T14:03:22.1Z", "2025-11-02T14:03:22.123Z",
        "2025-11-02T14:03:22.123456789Z", "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z", "2025-04-31T12:00:00Z",
        "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-01-00T00:00:00Z", "2025-11-02T24:00:00Z",
        "2025-11-02T23:60:00Z", "2025-11-02T23:59:60Z", "2025-11-02T14:03:22.Z", "2025-11-02T14:03:22.1234567890Z",
        "2025-11-02 14:03:22Z", "2025-11-02T14:03Z", "+12025-11-02T14:03:22Z", "2025-11-02t14:03:22Z",
        "0000-01-01T00:00:00Z", "2025-1a-02T14:03:22Z", "2025-11-02T14:03:22.12a4Z", "2025-11-02T14:03:22+01:00Z"})
    void theTimestampCheckAgreesWithInstantParse(String value) {
        boolean parses;
        try {
            java.time.Instant.parse(value);
            parses = true;
        } catch (java.time.format.DateTimeParseException e) {
            parses = false;
        }
        assertEquals(parses, EnvelopeCodec.isUtcTimestamp(value), value);
    }

    @ParameterizedTest
    @CsvSource({"1.0.0, 1", "0.0.0, 0", "10.20.30, 10", "2147483647.0.0, 2147483647", "2147483648.0.0, -1",
        "01.0.0, -1", "1.00.0, -1", "1.0, -1", "1.0.0.0, -1", "1..0, -1", "1.0.0-rc1, -1", "v1.0.0, -1", "'', -1",
        "'1.0.0 ', -1", "1.2.34567890123, 1"})
    void schemaVersionsAreMajorMinorPatchWithoutLeadingZeros(String version, int major) {
        assertEquals(major, SchemaVersion.majorOf(version), version);
        assertEquals(major >= 0, SchemaVersion.isValid(version), version);
    }

    /** A publish's check of the typed envelope finds exactly what decoding its JSON finds, valid or not. */
    @ParameterizedTest
    @ValueSource(strings = {"valid", "no id", "blank type", "blank version", "bad version", "no source",
        "bad time", "blank time", "negative retries", "null tag", "blank optional", "shadowing extension",
        "everything wrong"})
    void thePublishCheckAgreesWithDecoding(String defect) {
        EnvelopeCodec codec = new EnvelopeCodec();
        Envelope e = Envelope.create("order_placed", "shop", NullNode.getInstance());
        e.setPublishedAt("2025-11-02T14:03:22Z");
        switch (defect) {
            case "no id" -> e.setEventId(null);
            case "blank type" -> e.setEventType(" ");
            case "blank version" -> e.setSchemaVersion("");
            case "bad version" -> e.setSchemaVersion("1.0");
            case "no source" -> e.setSource(null);
            case "bad time" -> e.setPublishedAt("2025-11-02 14:03:22");
            case "blank time" -> e.setPublishedAt("  ");
            case "negative retries" -> e.setRetryCount(-2);
            case "null tag" -> e.getTags().put("tenant", null);
            case "blank optional" -> e.setTraceId(" ");
            case "shadowing extension" -> e.getExtensions().put("schema_version", NullNode.getInstance());
            case "everything wrong" -> {
                e.setEventId("");
                e.setSource(null);
                e.setSchemaVersion("01.0.0");
                e.setPublishedAt("yesterday");
                e.setRetryCount(-1);
            }
            default -> { }
        }
        ObjectNode json = codec.toJson(e);
        List<Violation> decoding = violations(() -> codec.fromJson(json));
        List<Violation> checking = violations(() -> codec.check(e));
        assertEquals(decoding.toString(), checking.toString(), defect);
        assertEquals(defect.equals("valid") || defect.equals("blank optional"), decoding.isEmpty(),
                defect + ": " + decoding);
    }

    private interface Check {
        void run() throws InvalidEnvelopeException;
    }

    private static List<Violation> violations(Check check) {
        try {
            check.run();
            return List.of();
        } catch (InvalidEnvelopeException e) {
            return e.getViolations();
        }
    }

    /** The streamed encoding is byte for byte the tree's, whatever the envelope holds. */
    @ParameterizedTest
    @ValueSource(strings = {"minimal", "every field", "null tag", "metadata", "decimal data", "null data",
        "extensions", "shadowing extension", "unicode", "built data"})
    void encodingStreamsTheSameBytesAsTheTree(String shape) throws Exception {
        EnvelopeCodec codec = new EnvelopeCodec();
        Envelope e = Envelope.create("order_placed", "shop",
                codec.readJson("{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
        e.setPublishedAt("2025-11-02T14:03:22.5Z");
        switch (shape) {
            case "every field" -> {
                e.setTraceId("t-1");
                e.setRequestId("r-1");
                e.setParentEventId("p-1");
                e.setCorrelationId("c-1");
                e.setKey("k-1");
                e.setRetryCount(3);
                e.getTags().put("tenant", "acme");
                e.getTags().put("region", "eu");
            }
            case "null tag" -> e.getTags().put("tenant", null);
            case "metadata" -> {
                e.getMetadata().put("last_error", "timeout \"quoted\"");
                e.getMetadata().put("attempts", 3);
                e.getMetadata().put("ratio", 0.25);
                e.getMetadata().put("history", List.of(Map.of("at", "x"), Map.of("at", "y")));
                e.getMetadata().put("nothing", null);
            }
            case "decimal data" -> e.setData(codec.readJson(
                    "{\"price\":4500000.00,\"big\":12345678901234567890,\"f\":1e-7,\"a\":[1,2.50,null,true]}"
                            .getBytes(StandardCharsets.UTF_8)));
            case "null data" -> e.setData(null);
            case "built data" -> {
                // a tree made in code, with nodes a parser never makes
                ObjectNode data = JsonNodeFactory.instance.objectNode();
                data.put("text", "ünï \u0000 \"q\"").put("long", Long.MIN_VALUE).put("float", 1.5f)
                        .put("decimal", new java.math.BigDecimal("10.50")).put("bytes", new byte[] {1, 2, 3})
                        .putNull("none");
                data.putArray("empty");
                data.putObject("nested").putArray("list").add(1).add("two").addNull().addObject();
                data.putPOJO("pojo", List.of("a", "b"));
                e.setData(data);
            }
            case "extensions" -> {
                e.getExtensions().put("client_id", codec.readJson("\"c-9\"".getBytes(StandardCharsets.UTF_8)));
                e.getExtensions().put("x_nested",
                        codec.readJson("{\"a\":{\"b\":[1]}}".getBytes(StandardCharsets.UTF_8)));
                e.getExtensions().put("x_null", null);
            }
            case "shadowing extension" -> e.getExtensions().put("source", NullNode.getInstance());
            case "unicode" -> {
                e.setSource("скрейпер-циан \u2028 \uD83D\uDE00");
                e.getTags().put("город", "Москва\t\"");
            }
            default -> { }
        }
        assertEquals(new String(codec.write(codec.toJson(e)), StandardCharsets.UTF_8),
                new String(codec.encode(e), StandardCharsets.UTF_8), shape);
    }

    @Test
    void instantOfReadsEveryTimestampFormAsInstantParseDoes() {
        for (String timestamp : List.of("2026-11-30T16:29:16Z", "2026-11-30T16:29:16.5Z",
                "2026-11-30T16:29:16.564Z", "2026-11-30T16:29:16.564598034Z", "2024-02-29T23:59:59.999999Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.1Z", "2026-11-30T16:29:16+01:00",
                "+12026-01-01T00:00:00Z")) {
            assertEquals(Instant.parse(timestamp), EnvelopeCodec.instantOf(timestamp), timestamp);
        }
        assertThrows(DateTimeParseException.class, () -> EnvelopeCodec.instantOf("2026-02-30T00:00:00Z"));
    }
}
