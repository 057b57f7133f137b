package io.eventbus.deadletter;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.protection.DataProtection;

/**
 * The JSON form of dead letters and of what the dead-letter operations did, snake_case like the envelope: one
 * shape for {@code eventbus dlq ... --json} and the HTTP API.
 * <p>
 * A dead letter whose {@code data} is encrypted is shown decrypted only where its key is configured; elsewhere as
 * stored, encrypted. {@code data_sealed} says which: the stored {@code data_encoding} and {@code shown}
 * ({@code opened}, or {@code as stored} with the reason).
 */
public final class DeadLetterJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EnvelopeCodec codec;
    private final DataProtection reader;

    /** Shows sealed data as stored. */
    public DeadLetterJson(EnvelopeCodec codec) {
        this(codec, null);
    }

    /** @param reader opens sealed data with the configured keys; null shows it as stored */
    public DeadLetterJson(EnvelopeCodec codec, DataProtection reader) {
        this.codec = codec;
        this.reader = reader;
    }

    /** A page: {@code topic, transport, page, size, total, pages, truncated, dead_letters[]} (summaries). */
    public ObjectNode page(DeadLetterPage page) {
        ObjectNode json = MAPPER.createObjectNode().put("topic", page.topic()).put("transport", page.transport())
                .put("page", page.page()).put("size", page.size()).put("total", page.total())
                .put("pages", page.pages()).put("truncated", page.truncated());
        ArrayNode letters = json.putArray("dead_letters");
        page.letters().forEach(letter -> letters.add(summary(letter)));
        return json;
    }

    /** A page read from a cursor: {@code next} is the cursor of the following page, null on the last. */
    public ObjectNode page(DeadLetterCursorPage page) {
        ObjectNode json = MAPPER.createObjectNode().put("topic", page.topic()).put("transport", page.transport())
                .put("size", page.size()).put("next", page.next());
        json.set("total", page.total() == null ? json.nullNode() : json.numberNode(page.total()));
        json.put("scanned", page.scanned()).put("scan_limit", page.scanLimit());
        ArrayNode letters = json.putArray("dead_letters");
        page.letters().forEach(letter -> letters.add(summary(letter)));
        return json;
    }

    /** One dead letter in full: its summary, {@code failure_history} and the stored {@code envelope}. */
    public ObjectNode full(DeadLetter letter) {
        ObjectNode json = summary(letter);
        json.set("failure_history", MAPPER.valueToTree(letter.failureHistory()));
        Envelope envelope = letter.envelope();
        if (envelope != null && DataProtection.isSealed(envelope)) {
            ObjectNode sealed = json.putObject("data_sealed");
            sealed.set("data_encoding", envelope.getExtensions().get(DataProtection.FIELD).deepCopy());
            try {
                if (reader == null) {
                    throw new InvalidEnvelopeException("data", "no keys given to this tool");
                }
                json.set("envelope", codec.toJson(reader.open(envelope.copy())));
                sealed.put("shown", "opened");
                return json;
            } catch (InvalidEnvelopeException e) {
                sealed.put("shown", "as stored: " + e.getMessage());
            }
        }
        json.set("envelope", letter.json(codec));
        return json;
    }

    /** The fields a listing shows of a dead letter. */
    public ObjectNode summary(DeadLetter letter) {
        ObjectNode json = MAPPER.createObjectNode().put("position", letter.position())
                .put("event_id", letter.eventId()).put("event_type", letter.eventType())
                .put("error_type", letter.errorType()).put("failed_stage", letter.failedStage())
                .put("failed_at", letter.failedAt() == null ? null : letter.failedAt().toString())
                .put("dead_lettered_from", letter.deadLetteredFrom()).put("replay_count", letter.replayCount())
                .put("last_error", letter.lastError());
        return json;
    }

    /** {@code topic, transport, total, by_event_type{}, by_error_type{}, truncated}. */
    public ObjectNode stats(DeadLetterStats stats) {
        ObjectNode json = MAPPER.createObjectNode().put("topic", stats.topic()).put("transport", stats.transport())
                .put("total", stats.total());
        json.set("by_event_type", counts(stats.byEventType()));
        json.set("by_error_type", counts(stats.byErrorType()));
        return json.put("truncated", stats.truncated());
    }

    /** {@code topic, dry_run, replayed, parked, not_replayable, failed, outcomes[]}. */
    public ObjectNode replay(ReplayResult result) {
        ObjectNode json = MAPPER.createObjectNode().put("topic", result.topic()).put("dry_run", result.dryRun());
        for (ReplayResult.Action action : ReplayResult.Action.values()) {
            json.put(action.name().toLowerCase(), result.count(action));
        }
        ArrayNode outcomes = json.putArray("outcomes");
        for (ReplayResult.Outcome o : result.outcomes()) {
            outcomes.addObject().put("event_id", o.eventId()).put("position", o.position())
                    .put("action", o.action().name().toLowerCase()).put("target", o.target())
                    .put("replay_count", o.replayCount()).put("reason", o.reason());
        }
        return json;
    }

    /** {@code topic, dry_run, purged, event_ids[]}. */
    public ObjectNode purge(PurgeResult result) {
        ObjectNode json = MAPPER.createObjectNode().put("topic", result.topic()).put("dry_run", result.dryRun())
                .put("purged", result.purged());
        ArrayNode ids = json.putArray("event_ids");
        result.eventIds().forEach(ids::add);
        return json;
    }

    private static ObjectNode counts(Map<String, Integer> counts) {
        ObjectNode json = MAPPER.createObjectNode();
        counts.forEach(json::put);
        return json;
    }
}
