package io.eventbus.wireformat;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.envelope.InvalidEnvelopeException.Violation;

/**
 * The engine of a {@link WireMapping}: a system's own JSON read into an envelope and written back.
 * <ul>
 * <li><b>Reading</b>: each envelope field from its pointer or constant, filled as the mapping says when the pointer
 * finds nothing; {@code data} from its pointer, or every top-level field no rule reads; with a {@code data} pointer,
 * the top-level fields nothing reads become the envelope's unknown fields. Values are brought to the envelope's
 * forms: a {@code published_at} with an offset, without a zone (taken as UTC) or in epoch seconds becomes ISO-8601
 * UTC ending in Z; a {@code schema_version} of {@code 1} or {@code 1.0} becomes {@code 1.0.0}; a number or boolean
 * read as a string field becomes its text. Then the envelope is checked as every consumed event is, and each
 * violation names the native field: {@code type: required field is missing (mapped to event_type)}.</li>
 * <li><b>Writing an event read from a message</b> ({@code origin}): that message, with only what the route changed
 * applied through the same pointers, recursively, so every field the route left alone, unknown ones included,
 * keeps its value as it came; a message nothing changed in is written back as the very bytes it came as.
 * {@code published_at} is the producer's and is kept; a field the mapping filled because the message lacked it is
 * not added.</li>
 * <li><b>Writing an event of the route's own</b>: every field read through a pointer written through it (constants
 * are not: the format has no such field), then {@code data}.</li>
 * </ul>
 * Thread-safe.
 */
public final class MappedFormat implements TopicFormat {

    private static final Pattern SHORT_VERSION = Pattern.compile("(0|[1-9]\\d*)(\\.(0|[1-9]\\d*))?");
    private static final Set<String> NON_STRING_FIELDS = Set.of("retry_count", "tags", "metadata");

    private final WireMapping mapping;
    private final EnvelopeValidator validator;
    private final EnvelopeCodec codec;
    private final Clock clock;
    private final Set<String> readTopLevel;
    private final List<FieldRule> outermostFirst;

    public MappedFormat(WireMapping mapping, EnvelopeValidator validator, Clock clock) {
        this.mapping = mapping;
        this.validator = validator;
        this.codec = validator.codec();
        this.clock = clock;
        this.readTopLevel = mapping.readTopLevelFields();
        this.outermostFirst = mapping.pointerRulesOutermostFirst();
    }

    @Override
    public String name() {
        return mapping.name();
    }

    @Override
    public boolean isMapped() {
        return true;
    }

    public WireMapping mapping() {
        return mapping;
    }

    @Override
    public Envelope read(byte[] message) throws InvalidEnvelopeException {
        try {
            validator.checkSize(message);
            Envelope envelope = codec.fromJson(toEnvelopeJson(parse(message)));
            validator.validate(envelope);
            return envelope;
        } catch (InvalidEnvelopeException e) {
            throw withNativeNames(e);
        }
    }

    @Override
    public Envelope decode(byte[] message) throws InvalidEnvelopeException {
        try {
            return codec.fromJson(toEnvelopeJson(parse(message)));
        } catch (InvalidEnvelopeException e) {
            throw withNativeNames(e);
        }
    }

    @Override
    public byte[] write(Envelope envelope, byte[] origin) throws InvalidEnvelopeException {
        try {
            codec.check(envelope);
            validator.validate(envelope);
        } catch (InvalidEnvelopeException e) {
            throw withNativeNames(e);
        }
        byte[] bytes = encode(envelope, origin);
        validator.checkSize(bytes);
        return bytes;
    }

    @Override
    public byte[] encode(Envelope envelope, byte[] origin) {
        ObjectNode after = codec.toJson(envelope);
        if (origin == null) {
            return codec.write(fresh(after));
        }
        ObjectNode message = parse(origin);
        ObjectNode before = codec.toJson(codec.fromJson(toEnvelopeJson(message)));
        ObjectNode out = message.deepCopy();
        boolean changed = false;
        for (FieldRule rule : outermostFirst) {
            boolean filled = rule.missing() != null && present(message.at(rule.from())) == null;
            if (!rule.field().equals("published_at") && !filled) {
                changed |= apply(out, rule.from(), before.get(rule.field()), after.get(rule.field()));
            }
        }
        if (mapping.payloadIsRest()) {
            changed |= applyRest(out, before.get("data"), after.get("data"));
        } else {
            changed |= apply(out, mapping.payload(), before.get("data"), after.get("data"));
        }
        Set<String> extensions = new LinkedHashSet<>(extensionNames(before));
        extensions.addAll(extensionNames(after));
        for (String name : extensions) {
            changed |= apply(out, JsonPointer.empty().appendProperty(name), before.get(name), after.get(name));
        }
        return changed ? codec.write(out) : origin;
    }

    /** The envelope JSON a native message maps to, before the envelope's checks. */
    ObjectNode toEnvelopeJson(ObjectNode message) {
        ObjectNode json = message.objectNode();
        for (FieldRule rule : mapping.fields()) {
            JsonNode value = rule.from() != null ? present(message.at(rule.from())) : rule.value();
            if (value != null && !value.isNull()) {
                json.set(rule.field(), envelopeForm(rule.field(), value));
            }
        }
        for (FieldRule rule : mapping.fields()) {
            if (rule.missing() != null && !json.has(rule.field()) && rule.missing().kind() != Fill.Kind.FIELD) {
                json.set(rule.field(), switch (rule.missing().kind()) {
                    case UUID -> TextNode.valueOf(UUID.randomUUID().toString());
                    case RECEIPT_TIME -> TextNode.valueOf(DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
                    default -> envelopeForm(rule.field(), rule.missing().value());
                });
            }
        }
        for (FieldRule rule : mapping.fields()) {
            if (rule.missing() != null && !json.has(rule.field()) && rule.missing().kind() == Fill.Kind.FIELD
                    && json.has(rule.missing().field())) {
                json.set(rule.field(), envelopeForm(rule.field(), json.get(rule.missing().field())));
            }
        }
        if (mapping.payloadIsRest()) {
            ObjectNode data = json.putObject("data");
            for (Map.Entry<String, JsonNode> field : message.properties()) {
                if (!readTopLevel.contains(field.getKey())) {
                    data.set(field.getKey(), field.getValue());
                }
            }
        } else {
            JsonNode data = present(message.at(mapping.payload()));
            if (data != null) {
                json.set("data", data);
            }
            for (Map.Entry<String, JsonNode> field : message.properties()) {
                if (!readTopLevel.contains(field.getKey()) && !isEnvelopeField(field.getKey())) {
                    json.set(field.getKey(), field.getValue());
                }
            }
        }
        return json;
    }

    /** An event of the route's own in native form: every pointer field, then data, then unknown fields. */
    private ObjectNode fresh(ObjectNode envelope) {
        ObjectNode out = envelope.objectNode();
        for (FieldRule rule : outermostFirst) {
            JsonNode value = present(envelope.get(rule.field()));
            if (value != null) {
                set(out, rule.from(), value);
            }
        }
        JsonNode data = present(envelope.get("data"));
        if (mapping.payloadIsRest()) {
            applyRest(out, out.objectNode(), data == null || data.isNull() ? out.objectNode() : data);
        } else if (data != null) {
            set(out, mapping.payload(), data);
        }
        for (String name : extensionNames(envelope)) {
            if (!out.has(name)) {
                out.set(name, envelope.get(name));
            }
        }
        return out;
    }

    /** {@code data} spread over the top level: its fields changed, added and removed there. */
    private boolean applyRest(ObjectNode out, JsonNode before, JsonNode after) {
        if (Objects.equals(before, after)) {
            return false;
        }
        if (after == null || !after.isObject()) {
            throw new InvalidEnvelopeException("data", "must be an object: the " + mapping.name()
                    + " wire format carries data as the message's own top-level fields");
        }
        for (String name : names(after)) {
            if (readTopLevel.contains(name)) {
                throw new InvalidEnvelopeException("data." + name, "the " + mapping.name()
                        + " wire format reads the top-level field " + name + " as an envelope field; data cannot hold it");
            }
        }
        boolean changed = false;
        JsonPointer top = JsonPointer.empty();
        for (String name : names(after)) {
            changed |= apply(out, top.appendProperty(name), before.get(name), after.get(name));
        }
        for (String name : names(before)) {
            if (!after.has(name)) {
                out.remove(name);
                changed = true;
            }
        }
        return changed;
    }

    /** Applies one change at the pointer; objects are compared field by field so untouched fields stay as they are. */
    private static boolean apply(ObjectNode root, JsonPointer at, JsonNode before, JsonNode after) {
        before = present(before);
        after = present(after);
        if (Objects.equals(before, after)) {
            return false;
        }
        if (after == null) {
            JsonNode parent = root.at(at.head());
            if (parent instanceof ObjectNode object) {
                object.remove(at.last().getMatchingProperty());
            }
            return true;
        }
        if (before != null && before.isObject() && after.isObject() && root.at(at).isObject()) {
            boolean changed = false;
            for (String name : names(after)) {
                changed |= apply(root, at.appendProperty(name), before.get(name), after.get(name));
            }
            for (String name : names(before)) {
                if (!after.has(name)) {
                    changed |= apply(root, at.appendProperty(name), before.get(name), null);
                }
            }
            return changed;
        }
        set(root, at, after);
        return true;
    }

    /** Sets the value at the pointer, creating the objects on the way; a field keeps its place in its object. */
    private static void set(ObjectNode root, JsonPointer at, JsonNode value) {
        ObjectNode parent = root;
        JsonPointer rest = at;
        while (!rest.tail().matches()) {
            String name = rest.getMatchingProperty();
            JsonNode child = parent.get(name);
            if (child == null || child.isNull()) {
                child = parent.putObject(name);
            } else if (!child.isObject()) {
                throw new InvalidEnvelopeException(FieldRule.nativeName(at), "cannot be written: "
                        + FieldRule.nativeName(at.head()) + " is not an object in the message");
            }
            parent = (ObjectNode) child;
            rest = rest.tail();
        }
        parent.set(rest.getMatchingProperty(), value);
    }

    /** The value as the envelope holds it: timestamps in UTC, versions in three parts, strings for string fields. */
    private static JsonNode envelopeForm(String field, JsonNode value) {
        if (field.equals("published_at")) {
            return utcTimestamp(value);
        }
        if (field.equals("schema_version") && value.isTextual() && SHORT_VERSION.matcher(value.asText()).matches()) {
            String version = value.asText();
            return TextNode.valueOf(version.contains(".") ? version + ".0" : version + ".0.0");
        }
        if (!NON_STRING_FIELDS.contains(field) && (value.isNumber() || value.isBoolean())) {
            return TextNode.valueOf(value.asText());
        }
        return value;
    }

    private static JsonNode utcTimestamp(JsonNode value) {
        if (value.isNumber()) {
            BigDecimal seconds = value.decimalValue();
            Instant instant = Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).intValue());
            return TextNode.valueOf(DateTimeFormatter.ISO_INSTANT.format(instant));
        }
        String text = value.asText();
        if (!value.isTextual() || text.endsWith("Z")) {
            return value;
        }
        try {
            return TextNode.valueOf(DateTimeFormatter.ISO_INSTANT.format(OffsetDateTime.parse(text).toInstant()));
        } catch (DateTimeParseException withoutOffset) {
            try {
                return TextNode.valueOf(DateTimeFormatter.ISO_INSTANT.format(
                        LocalDateTime.parse(text).toInstant(ZoneOffset.UTC)));
            } catch (DateTimeParseException neither) {
                return value; // the envelope's check says what is wrong with it
            }
        }
    }

    /** The violations with the native fields' names, and the envelope fields they map to. */
    InvalidEnvelopeException withNativeNames(InvalidEnvelopeException e) {
        List<Violation> named = new ArrayList<>();
        for (Violation violation : e.getViolations()) {
            named.add(nativeViolation(violation));
        }
        InvalidEnvelopeException renamed = new InvalidEnvelopeException(named);
        renamed.initCause(e);
        return renamed;
    }

    private Violation nativeViolation(Violation violation) {
        String field = violation.field();
        if (field.equals("envelope")) {
            return new Violation("message", violation.reason() + " (wire format " + mapping.name() + ")");
        }
        int dot = field.indexOf('.');
        String top = dot < 0 ? field : field.substring(0, dot);
        String inside = dot < 0 ? "" : field.substring(dot);
        String mappedTo = " (mapped to " + field + ")";
        if (top.equals("data")) {
            if (!mapping.payloadIsRest()) {
                return new Violation(FieldRule.nativeName(mapping.payload()) + inside, violation.reason());
            }
            return inside.isEmpty() ? new Violation("message", violation.reason() + mappedTo)
                    : new Violation(inside.substring(1), violation.reason() + mappedTo);
        }
        FieldRule rule = mapping.rule(top);
        if (rule != null && rule.from() != null) {
            String nativeField = rule.nativeName() + inside;
            return new Violation(nativeField, nativeField.equals(field) ? violation.reason()
                    : violation.reason() + mappedTo);
        }
        if (rule != null) {
            return new Violation(field, violation.reason() + " (a constant of the " + mapping.name() + " mapping)");
        }
        return violation;
    }

    private ObjectNode parse(byte[] message) {
        JsonNode node;
        try {
            node = codec.readJson(message);
        } catch (JsonProcessingException e) {
            throw new InvalidEnvelopeException("envelope", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidEnvelopeException("envelope", "not valid JSON: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidEnvelopeException("envelope", "not valid JSON: the message is empty");
        }
        if (!node.isObject()) {
            throw new InvalidEnvelopeException("envelope", "expected a JSON object but was " + node.getNodeType()
                    .name().toLowerCase());
        }
        return (ObjectNode) node;
    }

    private List<String> extensionNames(ObjectNode envelope) {
        List<String> names = new ArrayList<>();
        for (String name : names(envelope)) {
            if (!isEnvelopeField(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static boolean isEnvelopeField(String name) {
        return name.equals("data") || WireMappingReader.FIELDS.contains(name);
    }

    /** The object's field names, copied: callers change the tree while they go through them. */
    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isMissingNode() ? null : node;
    }
}
