package io.eventbus.wireformat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads one mapping file (YAML) into a {@link WireMapping}; every error names the file and the key.
 * <pre>
 * description: The free-food notifier's events
 * fields:
 *   event_id:       {from: /event_id, missing: uuid}
 *   event_type:     {from: /type}
 *   schema_version: {from: /schema_version, missing: {value: "1.0.0"}}
 *   published_at:   {from: /published_at, missing: receipt-time}
 *   source:         {value: free-food}
 *   trace_id:       {missing: {field: event_id}}   # not in the message: filled on every read, never written
 *   retry_count:    {from: /retries}
 * data: rest              # or a pointer: data: /data
 * </pre>
 */
final class WireMappingReader {

    /** The envelope fields a mapping may carry; {@code data} has its own key. */
    static final List<String> FIELDS = List.of("event_id", "event_type", "schema_version", "source", "published_at",
            "trace_id", "request_id", "parent_event_id", "correlation_id", "key", "retry_count", "tags", "metadata");
    /** Fields every event has: a mapping must say where each comes from. */
    private static final Set<String> REQUIRED = Set.of("event_id", "event_type", "schema_version", "source",
            "published_at");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String file;

    private WireMappingReader(String file) {
        this.file = file;
    }

    /**
     * @param name    the mapping's name
     * @param file    where it was read from, for errors
     * @param content the file's bytes
     */
    static WireMapping read(String name, String file, byte[] content) {
        return new WireMappingReader(file).mapping(name, content);
    }

    private WireMapping mapping(String name, byte[] content) {
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(file).build())
                    .loadFromInputStream(new ByteArrayInputStream(content));
        } catch (YamlEngineException e) {
            throw fail("invalid YAML: " + e.getMessage());
        }
        Map<?, ?> root = map(document, "the file");
        Map<?, ?> fields = map(root.get("fields"), "fields");
        List<FieldRule> rules = new ArrayList<>();
        for (Map.Entry<?, ?> entry : fields.entrySet()) {
            rules.add(rule(String.valueOf(entry.getKey()), entry.getValue()));
        }
        for (String field : FIELDS) {
            if (REQUIRED.contains(field) && rules.stream().noneMatch(rule -> rule.field().equals(field))) {
                throw fail("fields." + field + ": missing; every event has one, so the mapping must say where it "
                        + "comes from (from: a pointer, or value: a constant)");
            }
        }
        Object data = root.get("data");
        if (!(data instanceof String text) || !(text.equals("rest") || text.startsWith("/"))) {
            throw fail("data: expected rest (every top-level field the rules do not read) or a JSON Pointer such as "
                    + "/data but was " + data);
        }
        Object description = root.get("description");
        return new WireMapping(name, description == null ? "" : description.toString(), rules,
                text.equals("rest") ? null : pointer("data", text));
    }

    private FieldRule rule(String field, Object spec) {
        String key = "fields." + field;
        if (!FIELDS.contains(field)) {
            throw fail(key + ": not an envelope field (one of " + FIELDS + ")");
        }
        Map<?, ?> rule = map(spec, key);
        for (Object option : rule.keySet()) {
            if (!Set.of("from", "value", "missing").contains(String.valueOf(option))) {
                throw fail(key + "." + option + ": unknown option (from, value, missing)");
            }
        }
        boolean hasFrom = rule.containsKey("from");
        boolean hasValue = rule.containsKey("value");
        if (hasFrom && hasValue || !hasFrom && !hasValue && !rule.containsKey("missing")) {
            throw fail(key + ": give either from (a JSON Pointer into the message), value (a constant), or only "
                    + "missing (a field the format does not carry, filled on every read)");
        }
        if (!hasFrom && !hasValue) {
            return new FieldRule(field, null, null, fill(key + ".missing", rule.get("missing")));
        }
        if (hasValue) {
            if (rule.containsKey("missing")) {
                throw fail(key + ".missing: a constant is never missing");
            }
            return new FieldRule(field, null, constant(key + ".value", rule.get("value")), null);
        }
        Object from = rule.get("from");
        if (!(from instanceof String text) || !text.startsWith("/")) {
            throw fail(key + ".from: expected a JSON Pointer such as /type but was " + from);
        }
        Fill missing = rule.containsKey("missing") ? fill(key + ".missing", rule.get("missing")) : null;
        return new FieldRule(field, pointer(key + ".from", text), null, missing);
    }

    private Fill fill(String key, Object spec) {
        if ("uuid".equals(spec)) {
            return Fill.of(Fill.Kind.UUID);
        }
        if ("receipt-time".equals(spec)) {
            return Fill.of(Fill.Kind.RECEIPT_TIME);
        }
        if (spec instanceof Map<?, ?> map && map.size() == 1 && map.get("field") instanceof String other) {
            if (!FIELDS.contains(other)) {
                throw fail(key + ".field: not an envelope field (one of " + FIELDS + ")");
            }
            return new Fill(Fill.Kind.FIELD, other, null);
        }
        if (spec instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("value")) {
            return new Fill(Fill.Kind.VALUE, null, constant(key + ".value", map.get("value")));
        }
        throw fail(key + ": expected uuid, receipt-time, {field: <envelope field>} or {value: <constant>} but was "
                + spec);
    }

    private JsonNode constant(String key, Object value) {
        if (value == null) {
            throw fail(key + ": must not be empty");
        }
        return MAPPER.valueToTree(value);
    }

    private JsonPointer pointer(String key, String text) {
        try {
            return JsonPointer.compile(text);
        } catch (IllegalArgumentException e) {
            throw fail(key + ": not a JSON Pointer: " + e.getMessage());
        }
    }

    private Map<?, ?> map(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw fail(what + ": expected a mapping but was " + (value == null ? "nothing" : value));
    }

    private IllegalArgumentException fail(String reason) {
        return new IllegalArgumentException("wire format mapping " + file + ": " + reason);
    }
}
