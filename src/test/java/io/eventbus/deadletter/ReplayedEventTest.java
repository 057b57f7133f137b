package io.eventbus.deadletter;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.DeadLetterPublisher;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.StoredDeadLetter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a replay publishes for a dead letter: the same event with its failure moved into the history. */
class ReplayedEventTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-30T16:00:00Z");
    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void aReplayKeepsTheIdsAndMovesTheFailureIntoTheHistory() {
        Envelope event = Envelope.create("order_created", "shop", MAPPER.createObjectNode().put("n", 7));
        event.setPublishedAt("2026-11-30T15:00:00Z").setTraceId("t-1").setParentEventId("p-1").setKey("k-1")
                .setRetryCount(2);
        event.getTags().put("tenant", "a");
        event.getMetadata().putAll(failure("FatalException", "order rejected"));

        Envelope replay = replayOf(deadLetter(event));

        assertEquals(event.getEventId(), replay.getEventId());
        assertEquals("t-1", replay.getTraceId());
        assertEquals("p-1", replay.getParentEventId());
        assertEquals("k-1", replay.getKey());
        assertEquals(event.getData(), replay.getData());
        assertEquals(event.getTags(), replay.getTags());
        assertEquals(3, replay.getRetryCount());
        assertEquals(1, replay.getMetadata().get("replay_count"));
        assertEquals(NOW.toString(), replay.getMetadata().get("replayed_at"));
        for (String moved : List.of("last_error", "error_type", "failed_stage", "failed_at", "dead_lettered_from")) {
            assertFalse(replay.getMetadata().containsKey(moved), moved + " moved into the history");
        }
        List<?> history = (List<?>) replay.getMetadata().get("failure_history");
        assertEquals(List.of(Map.of("last_error", "order rejected", "error_type", "FatalException",
                "failed_stage", "checkout", "failed_at", "2026-11-30T15:00:01Z", "dead_lettered_from", "orders",
                "replayed_at", NOW.toString())), history);
    }

    @Test
    void aSecondReplayAppendsToTheHistory() {
        Envelope event = Envelope.create("order_created", "shop", MAPPER.createObjectNode());
        event.setPublishedAt("2026-11-30T15:00:00Z");
        event.getMetadata().putAll(failure("FatalException", "first"));
        Envelope failedAgain = replayOf(deadLetter(event));
        failedAgain.getMetadata().putAll(failure("IllegalStateException", "second"));

        Envelope second = replayOf(deadLetter(failedAgain));

        assertEquals(2, second.getMetadata().get("replay_count"));
        List<?> history = (List<?>) second.getMetadata().get("failure_history");
        assertEquals(List.of("first", "second"), history.stream().map(h -> ((Map<?, ?>) h).get("last_error"))
                .toList());
    }

    @Test
    void anInvalidEventIsReplayedAsTheInputItWraps() throws Exception {
        ObjectNode original = MAPPER.createObjectNode().put("event_id", "e-9").put("event_type", "raw_listing")
                .put("retry_count", 0);
        ObjectNode data = MAPPER.createObjectNode();
        data.set("original", original);
        Envelope wrapper = Envelope.create(DeadLetterPublisher.INVALID_EVENT_TYPE, "bus", data);
        wrapper.setPublishedAt("2026-11-30T15:00:00Z");
        wrapper.getMetadata().putAll(failure("InvalidEnvelopeException", "schema_version: required field is missing"));

        ReplayedEvent replay = ReplayedEvent.of(deadLetter(wrapper), codec, NOW);

        ObjectNode sent = (ObjectNode) codec.readJson(replay.message().body());
        assertEquals("e-9", sent.get("event_id").asText());
        assertEquals(1, sent.get("retry_count").asInt());
        assertEquals(1, sent.at("/metadata/replay_count").asInt());
        assertEquals("schema_version: required field is missing",
                sent.at("/metadata/failure_history/0/last_error").asText());
        assertEquals("raw_listing", replay.message().headers().get("event_type"));
        assertNull(replay.notReplayable());
    }

    @Test
    void inputKeptOnlyAsTextCannotBeReplayed() {
        Envelope notJson = Envelope.create(DeadLetterPublisher.INVALID_EVENT_TYPE, "bus",
                MAPPER.createObjectNode().put("raw", "{not json"));
        notJson.setPublishedAt("2026-11-30T15:00:00Z");
        Envelope tooLarge = Envelope.create(DeadLetterPublisher.INVALID_EVENT_TYPE, "bus",
                MAPPER.createObjectNode().put("raw_prefix", "{\"a\":").put("raw_size", 9_000_000));
        tooLarge.setPublishedAt("2026-11-30T15:00:00Z");

        ReplayedEvent text = ReplayedEvent.of(deadLetter(notJson), codec, NOW);
        ReplayedEvent prefix = ReplayedEvent.of(deadLetter(tooLarge), codec, NOW);

        assertNull(text.message());
        assertTrue(text.notReplayable().startsWith("the input was not JSON"), text.notReplayable());
        assertNull(prefix.message());
        assertTrue(prefix.notReplayable().startsWith("the input was over the size limit"), prefix.notReplayable());
    }

    private static Map<String, Object> failure(String errorType, String lastError) {
        return Map.of("last_error", lastError, "error_type", errorType, "failed_stage", "checkout",
                "failed_at", "2026-11-30T15:00:01Z", "dead_lettered_from", "orders");
    }

    private DeadLetter deadLetter(Envelope envelope) {
        return DeadLetter.of(new StoredDeadLetter("1-0", codec.encode(envelope)), codec);
    }

    private Envelope replayOf(DeadLetter letter) {
        return codec.decode(ReplayedEvent.of(letter, codec, NOW).message().body());
    }
}
