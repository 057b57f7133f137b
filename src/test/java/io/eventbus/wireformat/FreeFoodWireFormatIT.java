package io.eventbus.wireformat;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The free-food notifier's own messages on its Redis stream {@code events.free-food}, sent by a plain Lettuce client
 * as its producers send them (one field holding the JSON), consumed by a bus: route in the system's consumer group.
 * The route sees envelopes; what the bus re-publishes is the free-food message itself: an announced event as the very
 * bytes that came, a failed one with only {@code retries} +1 and {@code metadata.last_error} (and the rest of the
 * failure) changed, and messages the mapping cannot read dead-lettered as the bytes that came.
 */
class FreeFoodWireFormatIT {

    private static final String STREAM = "events.free-food";
    private static final String ANNOUNCED = "events.free-food.announced";
    private static final String DLQ = "events.free-food.dlq";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RedisClient client;
    private RedisCommands<String, String> redis;
    private StatefulRedisConnection<String, String> connection;
    private CamelContext context;
    private final Map<String, Envelope> seen = new ConcurrentHashMap<>();
    private final Set<String> processed = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        RedisService.requireRunning();
        client = RedisClient.create(WireFormatITs.REDIS);
        connection = client.connect();
        redis = connection.sync();
        redis.del(STREAM, ANNOUNCED, DLQ, "processing.failed");
        // the notifier reads its failures itself: its dead letters in its own format, its consumer rule kept
        context = WireFormatITs.context(WireFormatITs.redis(), "free-food", STREAM, ANNOUNCED, DLQ);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + STREAM + "?group=notification-service").routeId("notifier")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(1).redeliveryDelay(10))
                        .process(e -> {
                            Envelope event = e.getIn().getBody(Envelope.class);
                            seen.put(event.getEventId(), event.copy());
                            if (event.getData().path("title").asText().startsWith("FAIL")) {
                                throw new RetryableException("notification service unavailable");
                            }
                        })
                        .to("bus:" + ANNOUNCED)
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        if (connection != null) {
            redis.del(STREAM, ANNOUNCED, DLQ, "processing.failed");
            connection.close();
            client.shutdown();
        }
    }

    @Test
    void theNotifiersOwnMessagesAreReadAsEnvelopesAndWrittenBackWithOnlyTheAllowedChanges() throws Exception {
        String example = WireFormatITs.example("free-food.json");
        String second = example.replace("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", "ff-2")
                .replace("Free Pizza Night", "Bagel Breakfast");
        String failing = example.replace("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", "ff-3")
                .replace("Free Pizza Night", "FAIL: Taco Tuesday");
        String untyped = "{\"schema_version\": \"1.0.0\", \"event_id\": \"ff-4\", \"title\": \"Cookies\", "
                + "\"source\": \"manual\", \"published_at\": \"2025-11-02T14:03:22Z\", \"retries\": 0, \"metadata\": {}}";
        String notJson = "{\"schema_version\": \"1.0.0\", \"event_id\": \"ff-5\", \"title\": \"Sushi";
        Map<String, String> published = new LinkedHashMap<>();
        published.put("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", example);
        published.put("ff-2", second);
        published.put("ff-3", failing);
        published.put("ff-4", untyped);
        published.put("ff-5", notJson);
        for (String message : published.values()) {
            redis.xadd(STREAM, Map.of("data", message)); // the producer's XADD: one field, the JSON
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> redis.xlen(ANNOUNCED) == 2 && redis.xlen(DLQ) == 3);

        Envelope read = seen.get("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0");
        assertEquals("FREE_FOOD_EVENT", read.getEventType());
        assertEquals("1.0.0", read.getSchemaVersion());
        assertEquals("umass-calendar", read.getSource());
        assertEquals("2025-11-02T14:03:22Z", read.getPublishedAt());
        assertEquals(0, read.getRetryCount());
        assertEquals("ACM", read.getMetadata().get("organizer"));
        assertEquals("Free Pizza Night", read.getData().get("title").asText());
        assertEquals(0.93, read.getData().get("llm_confidence").asDouble());

        Map<String, String> announced = bodiesById(ANNOUNCED);
        assertEquals(Map.of("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", example, "ff-2", second), announced,
                "an announced event is re-published as the very bytes its producer sent");

        List<StreamMessage<String, String>> deadLetters = redis.xrange(DLQ, Range.create("-", "+"));
        Map<String, String> dead = new LinkedHashMap<>();
        for (StreamMessage<String, String> entry : deadLetters) {
            String body = entry.getBody().get("envelope");
            dead.put(body.equals(notJson) ? "ff-5" : JSON.readTree(body).get("event_id").asText(), body);
        }
        assertEquals(untyped, dead.get("ff-4"), "a message without type is dead-lettered as it came");
        assertEquals(notJson, dead.get("ff-5"), "a message that is not JSON is dead-lettered as it came");
        ObjectNode expected = (ObjectNode) JSON.readTree(failing);
        ObjectNode failed = (ObjectNode) JSON.readTree(dead.get("ff-3"));
        assertEquals(1, failed.get("retries").asInt(), "retries +1: one redelivery before giving up");
        assertEquals("notification service unavailable", failed.path("metadata").path("last_error").asText());
        JsonNode failedMetadata = failed.remove("metadata");
        failed.remove("retries");
        JsonNode expectedMetadata = expected.remove("metadata");
        expected.remove("retries");
        assertEquals(expected, failed, "every other field as it came");
        assertEquals(List.copyOf(names(expected)), List.copyOf(names(failed)), "in its place");
        expectedMetadata.fields().forEachRemaining(field ->
                assertEquals(field.getValue(), failedMetadata.get(field.getKey()), "metadata." + field.getKey()));
        Set<String> added = new HashSet<>(names(failedMetadata));
        added.removeAll(names(expectedMetadata));
        assertEquals(Set.of("last_error", "error_type", "failed_stage", "failed_at", "dead_lettered_from"), added);

        Set<String> settled = new HashSet<>(processed);
        settled.addAll(dead.keySet());
        assertEquals(published.keySet(), settled, "published = processed + dead-lettered");
        assertEquals(Set.of("b5f5c8f4-52f1-4b68-a2a1-7757b71a4df0", "ff-2"), processed);
        assertEquals(Set.of("ff-3", "ff-4", "ff-5"), dead.keySet());
    }

    private Map<String, String> bodiesById(String stream) throws IOException {
        Map<String, String> bodies = new LinkedHashMap<>();
        for (StreamMessage<String, String> entry : redis.xrange(stream, Range.create("-", "+"))) {
            String body = entry.getBody().get("envelope");
            bodies.put(JSON.readTree(body).get("event_id").asText(), body);
        }
        return bodies;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new java.util.LinkedHashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
