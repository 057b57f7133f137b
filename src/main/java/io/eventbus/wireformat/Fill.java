package io.eventbus.wireformat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a mapping fills an envelope field the native message does not carry ({@code missing:} in a mapping file).
 *
 * @param kind  what fills it
 * @param field for {@link Kind#FIELD}: the envelope field whose value it takes
 * @param value for {@link Kind#VALUE}: the constant
 */
public record Fill(Kind kind, String field, JsonNode value) {

    /** The ways a missing field is filled. */
    public enum Kind {
        /** A new random UUID ({@code missing: uuid}). */
        UUID,
        /** The time the bus read the message, ISO-8601 UTC ({@code missing: receipt-time}). */
        RECEIPT_TIME,
        /** The value of another envelope field ({@code missing: {field: event_id}}). */
        FIELD,
        /** A constant ({@code missing: {value: "1.0.0"}}). */
        VALUE
    }

    static Fill of(Kind kind) {
        return new Fill(kind, null, null);
    }
}
