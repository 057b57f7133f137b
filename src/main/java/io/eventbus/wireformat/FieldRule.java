package io.eventbus.wireformat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where one envelope field comes from in a native message: a JSON Pointer into it ({@code from}) or a constant
 * ({@code value}), and how it is filled when the pointer finds nothing ({@code missing}; with neither pointer nor
 * constant, on every read). A field read through a pointer is written back through it; a constant or a field only
 * filled is never written, the native format having no such field.
 *
 * @param field   the envelope field ({@code event_type})
 * @param from    the pointer ({@code /type}), or null for a constant or a field only filled
 * @param value   the constant, or null
 * @param missing how a field the pointer does not find is filled, or null to leave it missing
 */
public record FieldRule(String field, JsonPointer from, JsonNode value, Fill missing) {

    /** The native field's name as errors show it: {@code metadata.event_type} for {@code /metadata/event_type}. */
    String nativeName() {
        return nativeName(from);
    }

    static String nativeName(JsonPointer pointer) {
        String text = pointer.toString();
        return text.isEmpty() ? "message" : text.substring(1).replace('/', '.').replace("~1", "/").replace("~0", "~");
    }

    /** The top-level native field the pointer starts at, or null for a constant. */
    String topLevelField() {
        return from == null || from.matches() ? null : from.getMatchingProperty();
    }
}
