package io.eventbus.envelope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.eventbus.envelope.InvalidEnvelopeException.Violation;

class EnvelopeValidatorTest {

    private static final SchemaRegistry SHIPPED_SCHEMAS = SchemaRegistry.load("classpath:schemas");

    private static final String FREE_PIZZA = """
            {"title":"Free Pizza Night","description":"Join us in the CS building for free pizza and drinks.",\
            "location":"CS Building, Room 150","start_time":"2025-11-02T18:00:00Z","llm_confidence":0.93,\
            "reason":"LLM detected 'free', 'pizza', 'food' in description."}""";

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final EnvelopeValidator validator = validator(ValidationSettings.defaults());

    @Test
    void acceptsAValidFreeFoodEvent() {
        Envelope envelope = validator.read(wire(freeFoodEvent(FREE_PIZZA)));

        assertEquals("Free Pizza Night", envelope.getData().get("title").asText());
    }

    @Test
    void acceptsAFreeFoodEventWithOnlyATitleAndNullOptionalFields() {
        assertDoesNotThrow(() -> validator.read(wire(freeFoodEvent("""
                {"title":"Bagels","description":null,"location":null,"start_time":null,"llm_confidence":null,\
                "reason":null}"""))));
    }

    @Test
    void rejectsLlmConfidenceAboveOne() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> validator.read(wire(freeFoodEvent("{\"title\":\"Free Pizza\",\"llm_confidence\":1.5}"))));

        assertEquals("data.llm_confidence", e.getField());
        assertEquals("data.llm_confidence: must have a maximum value of 1 (schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @Test
    void rejectsFreeFoodEventWithoutTitle() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> validator.read(wire(freeFoodEvent("{\"location\":\"CS Building\"}"))));

        assertEquals("data", e.getField());
        assertEquals(List.of(new Violation("data", "required property 'title' not found (schema FREE_FOOD_EVENT/1)")),
                e.getViolations());
        assertEquals("data: required property 'title' not found (schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @Test
    void rejectsStartTimeThatIsNotADateTime() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(
                wire(freeFoodEvent("{\"title\":\"Free Pizza\",\"start_time\":\"tonight at six\"}"))));

        assertEquals("data.start_time", e.getField());
        assertEquals("data.start_time: does not match the date-time pattern must be a valid RFC 3339 date-time "
                + "(schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @Test
    void reportsEverySchemaViolationOrderedByLocation() {
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(wire(
                freeFoodEvent("{\"title\":\"\",\"llm_confidence\":-0.1,\"start_time\":\"soon\",\"reason\":7}"))));

        assertEquals(List.of(
                new Violation("data.llm_confidence", "must have a minimum value of 0 (schema FREE_FOOD_EVENT/1)"),
                new Violation("data.reason", "integer found, [string, null] expected (schema FREE_FOOD_EVENT/1)"),
                new Violation("data.start_time",
                        "does not match the date-time pattern must be a valid RFC 3339 date-time "
                                + "(schema FREE_FOOD_EVENT/1)"),
                new Violation("data.title", "must be at least 1 characters long (schema FREE_FOOD_EVENT/1)")),
                e.getViolations());
    }

    @Test
    void rejectsMissingDataWhenTheSchemaExpectsAnObject() {
        ObjectNode json = freeFoodEvent("{}");
        json.remove("data");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(wire(json)));

        assertEquals("data: null found, object expected (schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @Test
    void reportsStructuralViolationsBeforeConsultingTheSchema() {
        ObjectNode json = freeFoodEvent("{\"llm_confidence\":1.5}");
        json.put("published_at", "2025-11-02 14:03:22");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(wire(json)));

        assertEquals("published_at: \"2025-11-02 14:03:22\" is not an ISO-8601 UTC timestamp ending in Z",
                e.getMessage());
    }

    @Test
    void validatesMinorAndPatchVersionsAgainstTheirMajorsSchema() {
        ObjectNode json = freeFoodEvent("{\"llm_confidence\":0.5}");
        json.put("schema_version", "1.7.3");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(wire(json)));

        assertEquals("data: required property 'title' not found (schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @Test
    void warnPolicyDeliversAnUnregisteredMajorWithDataUnchecked() {
        ObjectNode json = freeFoodEvent("{\"llm_confidence\":5}");
        json.put("schema_version", "2.0.0");

        Envelope envelope = assertDoesNotThrow(() -> validator.read(wire(json)));

        assertEquals(2, envelope.schemaMajor());
        assertEquals(5, envelope.getData().get("llm_confidence").intValue());
        assertDoesNotThrow(() -> validator.read(wire(json)));
    }

    @Test
    void rejectPolicyRefusesAnUnregisteredMajor() {
        EnvelopeValidator strict = validator(
                new ValidationSettings(ValidationSettings.DEFAULT_MAX_BYTES, MajorVersionPolicy.REJECT, false));
        ObjectNode json = freeFoodEvent(FREE_PIZZA);
        json.put("schema_version", "2.1.0");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> strict.read(wire(json)));

        assertEquals("schema_version", e.getField());
        assertEquals("schema_version: major version 2 of \"FREE_FOOD_EVENT\" is not supported (registered majors: [1])",
                e.getMessage());
    }

    @Test
    void rejectPolicyStillAcceptsTheRegisteredMajor() {
        EnvelopeValidator strict = validator(
                new ValidationSettings(ValidationSettings.DEFAULT_MAX_BYTES, MajorVersionPolicy.REJECT, false));

        assertDoesNotThrow(() -> strict.read(wire(freeFoodEvent(FREE_PIZZA))));
    }

    @Test
    void acceptsAnUnregisteredEventTypeWithAnyDataByDefault() {
        ObjectNode json = freeFoodEvent("[\"anything\", 1]");
        json.put("event_type", "sales_updated");

        assertDoesNotThrow(() -> validator.read(wire(json)));
    }

    @Test
    void requireRegisteredRejectsAnEventTypeWithoutSchema() {
        EnvelopeValidator strict = validator(
                new ValidationSettings(ValidationSettings.DEFAULT_MAX_BYTES, MajorVersionPolicy.WARN, true));
        ObjectNode json = freeFoodEvent("{}");
        json.put("event_type", "sales_updated");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> strict.read(wire(json)));

        assertEquals("event_type", e.getField());
        assertEquals("event_type: no JSON Schema is registered for \"sales_updated\" and "
                + "eventbus.schema.require-registered is true", e.getMessage());
    }

    @Test
    void requireRegisteredAcceptsARegisteredEventType() {
        EnvelopeValidator strict = validator(
                new ValidationSettings(ValidationSettings.DEFAULT_MAX_BYTES, MajorVersionPolicy.WARN, true));

        assertDoesNotThrow(() -> strict.read(wire(freeFoodEvent(FREE_PIZZA))));
    }

    @Test
    void defaultSizeLimitIsOneMebibyte() {
        assertEquals(1048576, ValidationSettings.DEFAULT_MAX_BYTES);
        assertEquals(new ValidationSettings(1048576, MajorVersionPolicy.WARN, false), ValidationSettings.defaults());
    }

    @Test
    void acceptsAnEnvelopeOfExactlyTheDefaultLimitAndRejectsOneByteMore() {
        byte[] atLimit = envelopeOfSize(ValidationSettings.DEFAULT_MAX_BYTES);
        byte[] overLimit = envelopeOfSize(ValidationSettings.DEFAULT_MAX_BYTES + 1);

        assertDoesNotThrow(() -> validator.read(atLimit));
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(overLimit));
        assertEquals("envelope", e.getField());
        assertEquals("envelope: 1048577 bytes exceeds the limit of 1048576 bytes (eventbus.envelope.max-bytes)",
                e.getMessage());
    }

    @Test
    void checksAConfiguredSizeLimitBeforeParsing() {
        EnvelopeValidator small = validator(new ValidationSettings(64, MajorVersionPolicy.WARN, false));
        byte[] garbage = "x".repeat(65).getBytes(StandardCharsets.UTF_8);

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> small.read(garbage));

        assertEquals("envelope: 65 bytes exceeds the limit of 64 bytes (eventbus.envelope.max-bytes)",
                e.getMessage());
    }

    @Test
    void writeRefusesAnEnvelopeOverTheConfiguredLimit() {
        EnvelopeValidator small = validator(new ValidationSettings(100, MajorVersionPolicy.WARN, false));
        Envelope envelope = codec.fromJson(freeFoodEvent(FREE_PIZZA));
        int size = codec.encode(envelope).length;

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> small.write(envelope));

        assertEquals("envelope: " + size + " bytes exceeds the limit of 100 bytes (eventbus.envelope.max-bytes)",
                e.getMessage());
    }

    @Test
    void settingsRefuseANonPositiveLimitAndAMissingPolicy() {
        IllegalArgumentException noBytes = assertThrows(IllegalArgumentException.class,
                () -> new ValidationSettings(0, MajorVersionPolicy.WARN, false));
        IllegalArgumentException noPolicy = assertThrows(IllegalArgumentException.class,
                () -> new ValidationSettings(1024, null, false));

        assertEquals("eventbus.envelope.max-bytes must be > 0 but was 0", noBytes.getMessage());
        assertEquals("eventbus.schema.major-version-policy must be warn or reject", noPolicy.getMessage());
    }

    @Test
    void writeEncodesAValidEnvelope() {
        Envelope envelope = codec.fromJson(freeFoodEvent(FREE_PIZZA));

        byte[] bytes = validator.write(envelope);

        assertArrayEquals(codec.encode(envelope), bytes);
        assertEquals(envelope, validator.read(bytes));
    }

    @Test
    void writeRefusesAnEnvelopeMissingItsPublicationTime() {
        Envelope envelope = Envelope.create("FREE_FOOD_EVENT", "umass-calendar", parse(FREE_PIZZA));

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.write(envelope));

        assertEquals("published_at: required field is missing", e.getMessage());
    }

    @Test
    void writeRefusesDataFailingItsSchema() {
        Envelope envelope = Envelope.create("FREE_FOOD_EVENT", "umass-calendar", parse("{\"title\":\"\"}"))
                .setPublishedAt("2025-11-02T14:03:22Z");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.write(envelope));

        assertEquals("data.title: must be at least 1 characters long (schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @Test
    void validatesTheDataOfACloudEvent() {
        String cloudEvent = """
                {"specversion":"1.0","id":"e-1","type":"FREE_FOOD_EVENT","source":"umass-calendar",\
                "time":"2025-11-02T16:03:22+02:00","data":{"title":"Free Pizza","llm_confidence":1.5}}""";

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class,
                () -> validator.read(cloudEvent.getBytes(StandardCharsets.UTF_8)));

        assertEquals("data.llm_confidence: must have a maximum value of 1 (schema FREE_FOOD_EVENT/1)", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void acceptsARealisticExampleOfEachShippedSchema(String eventType, String data) {
        ObjectNode json = freeFoodEvent(data);
        json.put("event_type", eventType);

        Envelope envelope = assertDoesNotThrow(() -> validator.read(wire(json)));

        assertEquals(parse(data), envelope.getData());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void rejectsAnInvalidExampleOfEachShippedSchema(String eventType, String data, String message) {
        ObjectNode json = freeFoodEvent(data);
        json.put("event_type", eventType);

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> validator.read(wire(json)));

        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> validExamples() {
        return Stream.of(
                Arguments.of("raw_listing", """
                        {"raw_data":{"html":"<html><h1>2-room flat</h1></html>","json":{"price":4500000,"rooms":2}},\
                        "source_url":"https://cian.ru/sale/flat/123456/","scraped_at":"2025-11-28T09:59:58Z",\
                        "original_id":"listing-123"}"""),
                Arguments.of("normalized_listing", """
                        {"listing_data":{"listing_id":"cian:123","source":"cian",\
                        "source_url":"https://cian.ru/sale/flat/123/","original_id":"123","deal_type":"sale",\
                        "price":{"amount":4500000,"currency":"RUB","period":null},"price_rub":4500000,"area_sqm":45,\
                        "price_per_sqm_rub":100000,"rooms":2,"address":{"city":"Kazan","district":null,"street":null},\
                        "contact":{"phone":"+79123456789","email":null},"images":[]},\
                        "validation_errors":[],"validation_warnings":["raw_data.json.images: none"],"is_valid":true}"""),
                Arguments.of("processed_listing", """
                        {"listing_id":"cian:123","listing_data":{"listing_id":"cian:123","deal_type":"sale",\
                        "price":{"amount":4500000,"currency":"RUB","period":null},"area_sqm":45,\
                        "price_per_sqm_rub":100000,"address":{"city":"Kazan"},"contact":{"phone":"+79123456789"},\
                        "images":[]},"fingerprint":"%s","fraud_score":0.35,"fraud_signals":["price_too_low"],\
                        "risk_level":"medium","confidence":1,"processing_stages":["normalize","dedupe","fraud-check"],\
                        "processing_duration_ms":125.5}""".formatted("ab".repeat(32))),
                Arguments.of("fraud_detected", """
                        {"listing_id":"123","fraud_score":0.85,"risk_level":"high",\
                        "fraud_signals":["price_anomaly","duplicate_images"],"detected_by":["fraud_detector_v1"],\
                        "confidence":0.92,"action":"flag_for_review"}"""),
                Arguments.of("processing_failed", """
                        {"error_type":"ValidationError","error_message":"price must be positive",\
                        "failed_stage":"normalization","original_event":{"event_id":"e-1","event_type":"raw_listing"},\
                        "is_recoverable":true,"dead_lettered_to":"listings.raw.dlq"}"""),
                Arguments.of("FREE_FOOD_EVENT", FREE_PIZZA));
    }

    static Stream<Arguments> invalidExamples() {
        return Stream.of(
                Arguments.of("raw_listing", """
                        {"raw_data":{"html":"<html></html>"},"source_url":"cian listing 123"}""",
                        "data: required property 'original_id' not found (schema raw_listing/1); "
                                + "data.raw_data: required property 'json' not found (schema raw_listing/1); "
                                + "data.source_url: does not match the uri pattern must be a valid RFC 3986 URI "
                                + "(schema raw_listing/1)"),
                Arguments.of("normalized_listing", """
                        {"listing_data":{"listing_id":"cian:123","source":"cian","source_url":null,"original_id":"123",\
                        "deal_type":"sale","price":null,"price_rub":null,"area_sqm":45,"price_per_sqm_rub":null,\
                        "address":{"city":"Kazan","district":null,"street":null},\
                        "contact":{"phone":"8 912 345-67-89","email":null},"images":[]},\
                        "validation_errors":[],"validation_warnings":[],"is_valid":"yes"}""",
                        "data.is_valid: string found, boolean expected (schema normalized_listing/1); "
                                + "data.listing_data.contact.phone: does not match the regex pattern ^\\+[0-9]{8,15}$ "
                                + "(schema normalized_listing/1)"),
                Arguments.of("processed_listing", """
                        {"listing_id":"cian:123","listing_data":{"listing_id":"cian:123","deal_type":"sale",\
                        "price":null,"area_sqm":45,"price_per_sqm_rub":null,"address":{},"contact":{},"images":[]},\
                        "fingerprint":"%s","fraud_score":0.35,"fraud_signals":["cheap"],"risk_level":"critical",\
                        "confidence":1,"processing_stages":[],"processing_duration_ms":-5}""".formatted("ab".repeat(32)),
                        "data.fraud_signals[0]: does not have a value in the enumeration [\"price_too_low\", "
                                + "\"price_anomaly\", \"duplicate_images\", \"suspicious_contact\"] "
                                + "(schema processed_listing/1); "
                                + "data.processing_duration_ms: must have a minimum value of 0 (schema processed_listing/1); "
                                + "data.risk_level: does not have a value in the enumeration "
                                + "[\"low\", \"medium\", \"high\"] (schema processed_listing/1)"),
                Arguments.of("fraud_detected", """
                        {"listing_id":"123","fraud_score":1.2,"risk_level":"high","fraud_signals":["price_too_low"],\
                        "detected_by":[1],"confidence":0.9,"action":"flag_for_review"}""",
                        "data.detected_by[0]: integer found, string expected (schema fraud_detected/1); "
                                + "data.fraud_score: must have a maximum value of 1 (schema fraud_detected/1)"),
                Arguments.of("processing_failed", """
                        {"error_type":"ValidationError","error_message":"boom","original_event":"event e-1"}""",
                        "data.original_event: string found, object expected (schema processing_failed/1)"),
                Arguments.of("FREE_FOOD_EVENT", """
                        {"title":"","llm_confidence":0.5}""",
                        "data.title: must be at least 1 characters long (schema FREE_FOOD_EVENT/1)"));
    }

    private EnvelopeValidator validator(ValidationSettings settings) {
        return new EnvelopeValidator(codec, SHIPPED_SCHEMAS, settings);
    }

    /** A free-food envelope with the given data, padded by its description to exactly {@code size} bytes. */
    private byte[] envelopeOfSize(int size) {
        ObjectNode json = freeFoodEvent("{\"title\":\"Free Pizza\",\"description\":\"\"}");
        int padding = size - wire(json).length;
        ((ObjectNode) json.get("data")).put("description", "x".repeat(padding));
        byte[] bytes = wire(json);
        assertEquals(size, bytes.length);
        return bytes;
    }

    private static ObjectNode freeFoodEvent(String data) {
        ObjectNode json = (ObjectNode) parse("""
                {"event_id":"b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0","event_type":"FREE_FOOD_EVENT",\
                "schema_version":"1.0.0","source":"umass-calendar","published_at":"2025-11-02T14:03:22Z",\
                "retry_count":0,"metadata":{"organizer":"ACM","raw_source_id":"cal-2025-11-02-1234"}}""");
        json.set("data", parse(data));
        return json;
    }

    private static byte[] wire(ObjectNode json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String json) {
        try {
            return EnvelopeCodec.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
