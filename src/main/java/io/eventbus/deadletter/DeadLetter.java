package io.eventbus.deadletter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventbus.bus.DeadLetterPublisher;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.transport.StoredDeadLetter;

/**
 * A dead letter as the tools show it: the stored envelope with its failure metadata read out. For an
 * {@value DeadLetterPublisher#INVALID_EVENT_TYPE} dead letter (input the bus could not read), the replay count and
 * history live in the metadata of {@code data.original}, where a replay put them, and are read from there.
 *
 * @param position         where the broker keeps it ({@link StoredDeadLetter#position()})
 * @param envelope         the dead letter; null when the entry is not an envelope at all (written by a foreign client)
 * @param eventId          its {@code event_id}, null when unreadable
 * @param eventType        its {@code event_type}, null when unreadable
 * @param errorType        {@code metadata.error_type}
 * @param lastError        {@code metadata.last_error}; for an unreadable entry, why it cannot be read
 * @param failedStage      {@code metadata.failed_stage}
 * @param failedAt         {@code metadata.failed_at}, null when absent or not ISO-8601
 * @param deadLetteredFrom {@code metadata.dead_lettered_from}: the topic it failed on
 * @param replayCount      {@code metadata.replay_count}: how many times it was replayed already
 * @param failureHistory   {@code metadata.failure_history}: the failures before the last one, oldest first
 */
public record DeadLetter(String position, Envelope envelope, String eventId, String eventType, String errorType,
        String lastError, String failedStage, Instant failedAt, String deadLetteredFrom, int replayCount,
        List<Map<String, Object>> failureHistory) {

    static final String REPLAYED_AT = "replayed_at";
    static final String FAILURE_HISTORY = "failure_history";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public DeadLetter {
        failureHistory = List.copyOf(failureHistory);
    }

    /** Reads a stored entry; an entry that is no envelope becomes a dead letter without envelope, never an error. */
    public static DeadLetter of(StoredDeadLetter stored, EnvelopeCodec codec) {
        Envelope envelope;
        try {
            envelope = codec.decode(stored.body());
        } catch (InvalidEnvelopeException e) {
            return new DeadLetter(stored.position(), null, null, null, "Unreadable",
                    "the entry is not an envelope: " + e.getMessage(), null, null, null, 0, List.of());
        }
        Map<String, Object> metadata = envelope.getMetadata();
        Map<String, Object> replayState = metadata;
        if (DeadLetterPublisher.INVALID_EVENT_TYPE.equals(envelope.getEventType())
                && envelope.getData().path("original").path("metadata").isObject()) {
            replayState = MAPPER.convertValue(envelope.getData().path("original").path("metadata"),
                    ReplayedEvent.MAP_TYPE);
        }
        return new DeadLetter(stored.position(), envelope, envelope.getEventId(), envelope.getEventType(),
                text(metadata.get("error_type")), text(metadata.get("last_error")), text(metadata.get("failed_stage")),
                instant(metadata.get("failed_at")), text(metadata.get("dead_lettered_from")),
                DeadLetterPublisher.replayCount(replayState.get(DeadLetterPublisher.REPLAY_COUNT)),
                history(replayState.get(FAILURE_HISTORY)));
    }

    /** The dead letter's JSON as stored, or null when unreadable. */
    public JsonNode json(EnvelopeCodec codec) {
        return envelope == null ? null : codec.toJson(envelope);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> history(Object value) {
        List<Map<String, Object>> history = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    history.add((Map<String, Object>) map);
                }
            }
        }
        return history;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.toString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
