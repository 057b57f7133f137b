package io.eventbus.wireformat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The feature service's own events on its Redis streams: the integrator's {@code sales_updated}, sent by a plain
 * Lettuce XADD to {@code sales-updates}, reaches the route with {@code client_id} as a top-level field of the envelope;
 * the {@code features_updated} the route derives is written to {@code features-updates} in the same format, as the
 * service's downstream consumers read it.
 */
class FeaturesWireFormatIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theIntegratorsEventsReachTheRouteAndTheDerivedOnesAreWrittenInTheServicesFormat() throws Exception {
        RedisService.requireRunning();
        String sales = "sales-updates";
        String features = "features-updates";
        Map<String, Envelope> seen = new ConcurrentHashMap<>();
        CamelContext context = WireFormatITs.context(WireFormatITs.redis(), "features", sales, features, sales + ".dlq");
        RedisClient client = RedisClient.create(WireFormatITs.REDIS);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.del(sales, features, sales + ".dlq", "processing.failed");
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + sales + "?group=secretmagic-group").routeId("feature-engineering")
                            .errorHandler(EventBusErrorHandler.deadLetterChannel())
                            .process(e -> {
                                Envelope event = e.getIn().getBody(Envelope.class);
                                seen.put(event.getEventId(), event.copy());
                                Envelope ready = event.derive("features_updated", JSON.createObjectNode()
                                        .put("features_count", 42).put("processing_time_ms", 1234));
                                ready.getExtensions().put("client_id", event.getExtensions().get("client_id"));
                                e.getIn().setBody(ready);
                            })
                            .to("bus:" + features);
                }
            });
            context.start();
            String example = WireFormatITs.example("features.json");
            String second = example.replace("\"uuid\"", "\"f-2\"").replace("client-uuid", "client-b");
            String untyped = second.replace("f-2", "f-3").replace("\"event_type\": \"sales_updated\",", "");
            for (String message : List.of(example, second, untyped)) {
                redis.xadd(sales, Map.of("data", message));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> redis.xlen(features) == 2 && redis.xlen(sales + ".dlq") == 1);

            Envelope read = seen.get("uuid");
            assertEquals("sales_updated", read.getEventType());
            assertEquals("2025-11-22T14:00:00Z", read.getPublishedAt());
            assertEquals("client-uuid", read.getExtensions().get("client_id").asText());
            assertEquals("sales", read.getData().get("table_name").asText());
            assertEquals("integration-uuid", read.getData().get("integration_id").asText());

            Set<String> derivedFrom = new HashSet<>();
            for (StreamMessage<String, String> entry : redis.xrange(features, Range.create("-", "+"))) {
                JsonNode event = JSON.readTree(entry.getBody().get("envelope"));
                assertEquals(List.of("event_id", "event_type", "timestamp", "data", "client_id"), names(event));
                assertEquals("features_updated", event.get("event_type").asText());
                assertEquals(42, event.at("/data/features_count").asInt());
                derivedFrom.add(event.get("client_id").asText());
            }
            assertEquals(Set.of("client-uuid", "client-b"), derivedFrom);
            assertEquals(untyped, redis.xrange(sales + ".dlq", Range.create("-", "+")).get(0).getBody().get("envelope"),
                    "the event without event_type is dead-lettered as it came");
            assertEquals(Set.of("uuid", "f-2"), seen.keySet(), "published = processed (2) + dead-lettered (1)");
            redis.del(sales, features, sales + ".dlq", "processing.failed");
        } finally {
            context.stop();
            client.shutdown();
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
