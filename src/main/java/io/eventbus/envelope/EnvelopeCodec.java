package io.eventbus.envelope;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.envelope.InvalidEnvelopeException.Violation;

/**
 * The envelope's wire format: UTF-8 JSON objects with snake_case fields, as docs/envelope.md#wire-format documents.
 * <p>
 * Decoding checks structure only (JSON, an object, required fields present and of the right type, timestamp and
 * version formats) and reports every violation at once; size, JSON Schema and version policy are
 * {@link EnvelopeValidator}'s job. CloudEvents 1.0 structured JSON (recognised by {@code specversion}) is accepted
 * and mapped by {@link CloudEventsFormat}. Unknown top-level fields survive a decode/encode round trip unchanged.
 * Thread-safe.
 */
public final class EnvelopeCodec {

    /**
     * Decimals are kept exactly as the producer wrote them: by default Jackson strips trailing zeros from
     * {@code BigDecimal} nodes, which would re-publish {@code 4500000.00} as {@code 4.5E+6}.
     */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** The fields the envelope defines, in the order they are written. */
    static final List<String> KNOWN_FIELDS = List.of("event_id", "event_type", "schema_version", "source",
            "published_at", "trace_id", "request_id", "parent_event_id", "correlation_id", "key", "retry_count",
            "tags", "metadata", "data");

    private static final int SCHEMA_VERSION = KNOWN_FIELDS.indexOf("schema_version");
    private static final int PUBLISHED_AT = KNOWN_FIELDS.indexOf("published_at");

    private static final Set<String> REQUIRED = Set.of("event_id", "event_type", "schema_version", "source",
            "published_at");
    /** Whether the field of each {@link #KNOWN_FIELDS} index is required: tested per field of every event. */
    private static final boolean[] REQUIRED_AT = new boolean[KNOWN_FIELDS.size()];
    /** {@link #KNOWN_FIELDS} for lookups: every field of every consumed event is looked up. */
    private static final Set<String> KNOWN_FIELD_NAMES = new HashSet<>(KNOWN_FIELDS);

    static {
        for (int i = 0; i < REQUIRED_AT.length; i++) {
            REQUIRED_AT[i] = REQUIRED.contains(KNOWN_FIELDS.get(i));
        }
    }

    /** Parses wire bytes into an envelope, or throws with every structural violation found. */
    public Envelope decode(byte[] bytes) throws InvalidEnvelopeException {
        return fromJson(parseObject(bytes));
    }

    /** Parses wire bytes into a JSON object (CloudEvents already mapped to envelope fields). */
    public ObjectNode parseObject(byte[] bytes) throws InvalidEnvelopeException {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException("envelope", "not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidEnvelopeException("envelope", "not valid JSON: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidEnvelopeException("envelope", "not valid JSON: the message is empty");
        }
        if (!node.isObject()) {
            throw new InvalidEnvelopeException("envelope", "expected a JSON object but was " + typeName(node));
        }
        ObjectNode object = (ObjectNode) node;
        return CloudEventsFormat.isCloudEvent(object) ? CloudEventsFormat.toEnvelopeJson(object) : object;
    }

    /** Parses any JSON with the codec's number fidelity ({@code 4500000.00} stays as written). */
    public JsonNode readJson(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /** Any JSON as compact UTF-8 bytes, numbers exactly as read: what {@code data} is sealed from. */
    public byte[] writeJson(JsonNode json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Maps a JSON object to an envelope, or throws with every structural violation found. */
    public Envelope fromJson(ObjectNode json) throws InvalidEnvelopeException {
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < REQUIRED_AT.length; i++) {
            if (REQUIRED_AT[i] && !json.hasNonNull(KNOWN_FIELDS.get(i))) {
                violations.add(new Violation(KNOWN_FIELDS.get(i), "required field is missing"));
            }
        }
        Envelope e = new Envelope();
        e.setEventId(string(json, "event_id", violations));
        e.setEventType(string(json, "event_type", violations));
        e.setSchemaVersion(string(json, "schema_version", violations));
        e.setSource(string(json, "source", violations));
        e.setPublishedAt(string(json, "published_at", violations));
        e.setTraceId(string(json, "trace_id", violations));
        e.setRequestId(string(json, "request_id", violations));
        e.setParentEventId(string(json, "parent_event_id", violations));
        e.setCorrelationId(string(json, "correlation_id", violations));
        e.setKey(string(json, "key", violations));
        e.setRetryCount(retryCount(json, violations));
        e.setTags(tags(json, violations));
        e.setMetadata(metadata(json, violations));
        e.setData(json.get("data"));
        checkFormats(e.getSchemaVersion(), e.getPublishedAt(), violations);
        if (!violations.isEmpty()) {
            throw new InvalidEnvelopeException(violations);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!KNOWN_FIELD_NAMES.contains(field.getKey())) {
                e.getExtensions().put(field.getKey(), field.getValue());
            }
        }
        return e;
    }

    /**
     * Throws what {@link #fromJson} would throw for the envelope's {@link #toJson} form, checking the typed envelope
     * instead of decoding a second one from its JSON: a publish's check. Only when an extension shadows an envelope
     * field, so that the JSON differs from the typed fields, is the JSON itself decoded.
     */
    public void check(Envelope e) throws InvalidEnvelopeException {
        if (shadowsAField(e)) {
            fromJson(toJson(e));
            return;
        }
        List<String> values = stringFields(e);
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (REQUIRED_AT[i] && values.get(i) == null) {
                violations.add(new Violation(KNOWN_FIELDS.get(i), "required field is missing"));
            }
        }
        for (int i = 0; i < values.size(); i++) {
            if (REQUIRED_AT[i] && values.get(i) != null && values.get(i).isBlank()) {
                violations.add(new Violation(KNOWN_FIELDS.get(i), "must not be empty"));
                values.set(i, null);
            }
        }
        if (e.getRetryCount() < 0) {
            violations.add(new Violation("retry_count", "must be >= 0 but was " + e.getRetryCount()));
        }
        e.getTags().forEach((name, value) -> {
            if (value == null) {
                violations.add(new Violation("tags." + name, "expected a string but was null"));
            }
        });
        checkFormats(values.get(SCHEMA_VERSION), values.get(PUBLISHED_AT), violations);
        if (!violations.isEmpty()) {
            throw new InvalidEnvelopeException(violations);
        }
    }

    /** The envelope's string fields, in {@link #KNOWN_FIELDS} order (its first ten): null where unset. */
    private static List<String> stringFields(Envelope e) {
        return Arrays.asList(e.getEventId(), e.getEventType(), e.getSchemaVersion(), e.getSource(),
                e.getPublishedAt(), e.getTraceId(), e.getRequestId(), e.getParentEventId(), e.getCorrelationId(),
                e.getKey());
    }

    private static void checkFormats(String schemaVersion, String publishedAt, List<Violation> violations) {
        if (schemaVersion != null && !SchemaVersion.isValid(schemaVersion)) {
            violations.add(new Violation("schema_version",
                    "\"" + schemaVersion + "\" is not a semantic version major.minor.patch"));
        }
        if (publishedAt != null && !isUtcTimestamp(publishedAt)) {
            violations.add(new Violation("published_at",
                    "\"" + publishedAt + "\" is not an ISO-8601 UTC timestamp ending in Z"));
        }
    }

    /**
     * The envelope as UTF-8 JSON bytes: the bytes of {@code write(toJson(envelope))}, streamed without building the
     * tree, which is a publish's largest cost after the serialization itself.
     */
    public byte[] encode(Envelope envelope) {
        if (shadowsAField(envelope)) {
            // the tree puts a shadowing extension in the field's place; a stream would write the field twice
            return write(toJson(envelope));
        }
        try (ByteArrayBuilder out = new ByteArrayBuilder();
                JsonGenerator g = MAPPER.createGenerator(out)) {
            writeFields(g, envelope);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + envelope.getEventId(), e);
        }
    }

    /** The fields of {@link #toJson}, in its order, as a stream. */
    private static void writeFields(JsonGenerator g, Envelope e) throws IOException {
        g.writeStartObject();
        List<String> strings = stringFields(e);
        for (int i = 0; i < strings.size(); i++) {
            if (strings.get(i) != null) {
                g.writeStringField(KNOWN_FIELDS.get(i), strings.get(i));
            }
        }
        g.writeNumberField("retry_count", e.getRetryCount());
        g.writeObjectFieldStart("tags");
        for (Map.Entry<String, String> tag : e.getTags().entrySet()) {
            if (tag.getValue() == null) {
                g.writeNullField(tag.getKey());
            } else {
                g.writeStringField(tag.getKey(), tag.getValue());
            }
        }
        g.writeEndObject();
        g.writeFieldName("metadata");
        if (e.getMetadata().isEmpty()) {
            g.writeStartObject();
            g.writeEndObject();
        } else {
            MAPPER.writeTree(g, MAPPER.valueToTree(e.getMetadata()));
        }
        writeNode(g, "data", e.getData());
        for (Map.Entry<String, JsonNode> extension : e.getExtensions().entrySet()) {
            writeNode(g, extension.getKey(), extension.getValue());
        }
        g.writeEndObject();
    }

    private static void writeNode(JsonGenerator g, String field, JsonNode value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            writeValue(g, value);
        }
    }

    /**
     * Writes a JSON tree as {@code MAPPER.writeTree} would, walking it directly: {@code writeTree} sets up a
     * serializer provider and looks up the node's serializer on every call, which was a tenth of a publish. Nodes a
     * parser never makes (binary, POJO) still go through Jackson's serializers.
     */
    private static void writeValue(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    g.writeFieldName(field.getKey());
                    writeValue(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    writeValue(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            // numeric nodes write their exact value (a BigDecimal as parsed) and need no serializer provider
            case NUMBER -> node.serialize(g, null);
            default -> MAPPER.writeTree(g, node);
        }
    }

    private static boolean shadowsAField(Envelope e) {
        for (String name : e.getExtensions().keySet()) {
            if (KNOWN_FIELD_NAMES.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The envelope as CloudEvents 1.0 structured JSON bytes. */
    public byte[] encodeCloudEvent(Envelope envelope) {
        return write(CloudEventsFormat.fromEnvelopeJson(toJson(envelope)));
    }

    /** A JSON object as UTF-8 bytes. */
    public byte[] write(ObjectNode json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + json.get("event_id"), e);
        }
    }

    /** The envelope as a JSON object: known fields first (absent optional ones omitted), then unknown ones. */
    public ObjectNode toJson(Envelope e) {
        ObjectNode json = MAPPER.createObjectNode();
        List<String> strings = stringFields(e);
        for (int i = 0; i < strings.size(); i++) {
            if (strings.get(i) != null) {
                json.put(KNOWN_FIELDS.get(i), strings.get(i));
            }
        }
        json.put("retry_count", e.getRetryCount());
        ObjectNode tags = json.putObject("tags");
        e.getTags().forEach(tags::put);
        // most events carry no metadata: skip the general (and costly) object-to-tree conversion for them
        json.set("metadata", e.getMetadata().isEmpty() ? MAPPER.createObjectNode() : MAPPER.valueToTree(e.getMetadata()));
        json.set("data", e.getData());
        e.getExtensions().forEach(json::set);
        return json;
    }

    static Map<String, Object> deepCopy(Map<String, Object> map) {
        return MAPPER.convertValue(MAPPER.valueToTree(map), MAP);
    }

    static boolean isUtcTimestamp(String value) {
        if (!value.endsWith("Z")) {
            return false;
        }
        if (isPlainUtcTimestamp(value)) {
            return true;
        }
        // any other form (a leap second, a year beyond 9999, lower-case letters) is for Instant to judge
        try {
            Instant.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Whether the value is {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (1 to 9 fraction digits) naming a real instant: the
     * form {@link Instant#toString()} writes and nearly every producer sends, checked without {@link Instant#parse},
     * whose formatter costs more than the rest of an event's validation. False means "not this form", not
     * "invalid".
     */
    private static boolean isPlainUtcTimestamp(String v) {
        int length = v.length();
        if (length < 20 || length == 21 || length > 30 || v.charAt(4) != '-' || v.charAt(7) != '-'
                || v.charAt(10) != 'T' || v.charAt(13) != ':' || v.charAt(16) != ':') {
            return false;
        }
        if (length > 20 && v.charAt(19) != '.') {
            return false;
        }
        for (int i = 0; i < length - 1; i++) {
            boolean separator = i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19;
            if (!separator && (v.charAt(i) < '0' || v.charAt(i) > '9')) {
                return false;
            }
        }
        int year = number(v, 0, 4);
        int month = number(v, 5, 7);
        int day = number(v, 8, 10);
        return month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth()
                && number(v, 11, 13) <= 23 && number(v, 14, 16) <= 59 && number(v, 17, 19) <= 59;
    }

    /**
     * The instant of a timestamp in the form the bus writes ({@code published_at}): read by hand, as
     * {@link #isPlainUtcTimestamp} checks it, for the per-event latency meters; any other form by
     * {@link Instant#parse}.
     *
     * @throws DateTimeParseException when it is no ISO-8601 instant
     */
    public static Instant instantOf(String timestamp) {
        if (!isPlainUtcTimestamp(timestamp)) {
            return Instant.parse(timestamp);
        }
        long days = LocalDate.of(number(timestamp, 0, 4), number(timestamp, 5, 7), number(timestamp, 8, 10))
                .toEpochDay();
        long seconds = days * 86_400L + number(timestamp, 11, 13) * 3_600L + number(timestamp, 14, 16) * 60L
                + number(timestamp, 17, 19);
        int nanos = 0;
        int fractionEnd = timestamp.length() - 1;
        if (fractionEnd > 20) {
            nanos = number(timestamp, 20, fractionEnd);
            for (int digits = fractionEnd - 20; digits < 9; digits++) {
                nanos *= 10;
            }
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static int number(String digits, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + digits.charAt(i) - '0';
        }
        return value;
    }

    static String typeName(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> type.name().toLowerCase();
        };
    }

    private static String string(ObjectNode json, String field, List<Violation> violations) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            violations.add(new Violation(field, "expected a string but was " + typeName(node)));
            return null;
        }
        if (REQUIRED.contains(field) && node.asText().isBlank()) {
            violations.add(new Violation(field, "must not be empty"));
            return null;
        }
        return node.asText();
    }

    private static int retryCount(ObjectNode json, List<Violation> violations) {
        JsonNode node = json.get("retry_count");
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber()) {
            violations.add(new Violation("retry_count", "expected an integer but was " + typeName(node)));
            return 0;
        }
        // the sign is checked on the full value: an integer beyond int range is out of range, not "not an integer"
        if (node.bigIntegerValue().signum() < 0) {
            violations.add(new Violation("retry_count", "must be >= 0 but was " + node.asText()));
            return 0;
        }
        if (!node.canConvertToInt()) {
            violations.add(new Violation("retry_count",
                    "must be <= " + Integer.MAX_VALUE + " but was " + node.asText()));
            return 0;
        }
        return node.intValue();
    }

    private static Map<String, String> tags(ObjectNode json, List<Violation> violations) {
        JsonNode node = json.get("tags");
        Map<String, String> tags = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return tags;
        }
        if (!node.isObject()) {
            violations.add(new Violation("tags", "expected an object but was " + typeName(node)));
            return tags;
        }
        node.fields().forEachRemaining(tag -> {
            if (tag.getValue().isTextual()) {
                tags.put(tag.getKey(), tag.getValue().asText());
            } else {
                violations.add(new Violation("tags." + tag.getKey(),
                        "expected a string but was " + typeName(tag.getValue())));
            }
        });
        return tags;
    }

    private static Map<String, Object> metadata(ObjectNode json, List<Violation> violations) {
        JsonNode node = json.get("metadata");
        if (node == null || node.isNull()) {
            return new LinkedHashMap<>();
        }
        if (!node.isObject()) {
            violations.add(new Violation("metadata", "expected an object but was " + typeName(node)));
            return new LinkedHashMap<>();
        }
        return node.isEmpty() ? new LinkedHashMap<>() : MAPPER.convertValue(node, MAP);
    }
}
