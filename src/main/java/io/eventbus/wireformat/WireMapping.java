package io.eventbus.wireformat;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * A system's own JSON declared as a mapping to and from the envelope: one {@link FieldRule} per envelope field the
 * format carries, and where {@code data} comes from. Read from a mapping file by {@link WireMappings}.
 *
 * @param name        what {@code eventbus.topics.<topic>.format} calls it ({@code free-food})
 * @param description what the format is, for people
 * @param fields      the envelope fields' rules, in the file's order
 * @param payload     the pointer {@code data} is read from ({@code /data}), or null for every other top-level field
 *                    ({@code data: rest}): those the field rules do not read
 */
public record WireMapping(String name, String description, List<FieldRule> fields, JsonPointer payload) {

    public WireMapping {
        fields = List.copyOf(fields);
    }

    /** Whether {@code data} is every top-level field the rules do not read. */
    public boolean payloadIsRest() {
        return payload == null;
    }

    /** The rule of an envelope field, or null when the mapping does not carry it. */
    public FieldRule rule(String field) {
        for (FieldRule rule : fields) {
            if (rule.field().equals(field)) {
                return rule;
            }
        }
        return null;
    }

    /** The top-level native fields the rules and the payload pointer read. */
    Set<String> readTopLevelFields() {
        Set<String> read = new LinkedHashSet<>();
        for (FieldRule rule : fields) {
            if (rule.topLevelField() != null) {
                read.add(rule.topLevelField());
            }
        }
        if (payload != null && !payload.matches()) {
            read.add(payload.getMatchingProperty());
        }
        return read;
    }

    /** The rules read through a pointer, outermost first: a whole object is written back before fields inside it. */
    List<FieldRule> pointerRulesOutermostFirst() {
        return fields.stream().filter(rule -> rule.from() != null)
                .sorted(Comparator.comparingInt(rule -> depth(rule.from())))
                .toList();
    }

    private static int depth(JsonPointer pointer) {
        int depth = 0;
        for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
            depth++;
        }
        return depth;
    }
}
