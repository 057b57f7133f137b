package io.eventbus.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one-line JSON object {@code --json} prints last, so that a script can compare runs without reading the tables.
 * Figures not measured (NaN) are written as {@code null}; latencies are in milliseconds, CPU in microseconds per event.
 */
final class BenchJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BenchJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Puts the number, or null when it is NaN or infinite. */
    static ObjectNode put(ObjectNode node, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
        return node;
    }

    /** {@code {"rounds": [...], "median": m}} for one figure measured per round. */
    static ObjectNode perRound(double[] rounds) {
        ObjectNode node = object();
        ArrayNode each = node.putArray("rounds");
        for (double value : rounds) {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                each.addNull();
            } else {
                each.add(value);
            }
        }
        return put(node, "median", Stats.median(rounds));
    }

    /** The object on one line. */
    static String line(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
