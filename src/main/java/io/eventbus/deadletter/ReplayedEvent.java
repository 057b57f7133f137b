package io.eventbus.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.bus.DeadLetterPublisher;
import io.eventbus.bus.OutboundMessages;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.OutboundMessage;

/**
 * The event a replay publishes again, restored from its dead letter: the same {@code event_id}, {@code trace_id},
 * {@code parent_event_id}, {@code key}, tags and data (so idempotent consumers see the same event), with
 * {@code retry_count} + 1 and, in {@code metadata}, {@code replayed_at}, {@code replay_count} + 1 and the failure
 * fields of the dead letter moved into the {@code failure_history} list. Should the replay fail again, the new
 * dead letter thus carries every earlier failure as well as the new one.
 * <p>
 * An {@value DeadLetterPublisher#INVALID_EVENT_TYPE} dead letter is replayed as the input it wraps
 * ({@code data.original}), with the history in that input's {@code metadata}; one that kept only the text of its
 * input (not JSON, or over the size limit) cannot be replayed, and {@link #notReplayable()} says why.
 *
 * @param message       what to publish, null when not replayable
 * @param notReplayable why the dead letter cannot be replayed, null when it can
 */
public record ReplayedEvent(OutboundMessage message, String notReplayable) {

    static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {
    };
    /** The failure fields {@link DeadLetterPublisher} writes, moved into the history on replay. */
    private static final List<String> FAILURE_FIELDS = List.of("last_error", "error_type", "failed_stage",
            "failed_at", "dead_lettered_from", "invalid_fields");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The event to republish for the dead letter, replayed at {@code now}. */
    public static ReplayedEvent of(DeadLetter letter, EnvelopeCodec codec, Instant now) {
        Envelope deadLetter = letter.envelope();
        if (deadLetter == null) {
            return new ReplayedEvent(null, letter.lastError());
        }
        if (DeadLetterPublisher.INVALID_EVENT_TYPE.equals(deadLetter.getEventType())) {
            return ofInvalidInput(letter, codec, now);
        }
        Envelope replay = deadLetter.copy();
        Map<String, Object> metadata = replay.getMetadata();
        recordFailure(metadata, letter, metadata, now);
        replay.setRetryCount(replay.getRetryCount() + 1);
        return new ReplayedEvent(OutboundMessages.of(replay, codec.encode(replay)), null);
    }

    private static ReplayedEvent ofInvalidInput(DeadLetter letter, EnvelopeCodec codec, Instant now) {
        JsonNode data = letter.envelope().getData();
        if (data.has("raw_prefix")) {
            return new ReplayedEvent(null, "the input was over the size limit and only its first bytes were kept "
                    + "(data.raw_prefix): nothing whole to replay");
        }
        if (!data.path("original").isObject()) {
            return new ReplayedEvent(null, data.has("raw") ? "the input was not JSON (kept as text in data.raw): "
                    + "nothing to replay" : "the dead letter holds no data.original to replay");
        }
        ObjectNode original = ((ObjectNode) data.get("original")).deepCopy();
        JsonNode metadataNode = original.path("metadata");
        if (!metadataNode.isMissingNode() && !metadataNode.isNull() && !metadataNode.isObject()) {
            return new ReplayedEvent(null, "data.original.metadata is not an object: the replay history cannot "
                    + "be recorded in it");
        }
        Map<String, Object> metadata = metadataNode.isObject() ? MAPPER.convertValue(metadataNode, MAP_TYPE)
                : new LinkedHashMap<>();
        recordFailure(metadata, letter, letter.envelope().getMetadata(), now);
        original.set("metadata", MAPPER.valueToTree(metadata));
        if (original.path("retry_count").canConvertToInt()) {
            original.put("retry_count", original.get("retry_count").asInt() + 1);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content_type", "application/json");
        copyText(original, "event_type", headers);
        copyText(original, "event_id", headers);
        copyText(original, "schema_version", headers);
        copyText(original, "trace_id", headers);
        String key = original.path("key").isTextual() ? original.get("key").asText() : null;
        return new ReplayedEvent(new OutboundMessage(key, codec.write(original), headers), null);
    }

    /** Moves the failure fields of {@code failure} into the history kept in {@code metadata}, counting the replay. */
    private static void recordFailure(Map<String, Object> metadata, DeadLetter letter, Map<String, Object> failure,
            Instant now) {
        Map<String, Object> entry = new LinkedHashMap<>();
        for (String field : FAILURE_FIELDS) {
            Object value = failure.get(field);
            if (value != null) {
                entry.put(field, value);
            }
            metadata.remove(field);
        }
        entry.put(DeadLetter.REPLAYED_AT, now.toString());
        List<Object> history = new ArrayList<>(letter.failureHistory());
        history.add(entry);
        metadata.put(DeadLetter.FAILURE_HISTORY, history);
        metadata.put(DeadLetterPublisher.REPLAY_COUNT, letter.replayCount() + 1);
        metadata.put(DeadLetter.REPLAYED_AT, now.toString());
    }

    private static void copyText(ObjectNode json, String field, Map<String, String> headers) {
        if (json.path(field).isTextual()) {
            headers.put(field, json.get(field).asText());
        }
    }
}
