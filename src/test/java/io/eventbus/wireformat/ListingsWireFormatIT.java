package io.eventbus.wireformat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.ConsumedEvent;
import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The listings pipeline's own events (payload at the top, tracing and retry state in a nested metadata object) on
 * {@code listings.raw}, in memory (published through the bus as the pipeline's in-process producers do) and on Redis
 * (a plain Lettuce XADD). The route sees the envelope its metadata describes; an event passed on unchanged is the
 * very bytes that came; a derived event is written in the same format with its lineage in metadata. An event
 * without {@code metadata.event_type} is refused at publish (memory: the producer is the bus) or dead-lettered as the
 * bytes that came (Redis).
 */
class ListingsWireFormatIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = { "memory", "redis" })
    void listingEventsAreReadFromTheirMetadataAndWrittenBackUnchanged(String transport) throws Exception {
        String prefix = "wf-" + transport + "-" + System.nanoTime() + ".";
        String raw = prefix + "listings.raw";
        String audit = prefix + "listings.audit";
        String seenTopic = prefix + "listings.seen";
        Map<String, Envelope> seen = new ConcurrentHashMap<>();
        Map<String, byte[]> audited = new ConcurrentHashMap<>();
        Map<String, byte[]> derived = new ConcurrentHashMap<>();
        Map<String, String> dead = new ConcurrentHashMap<>();
        CamelContext context = WireFormatITs.context(Map.of("eventbus.transport", transport, "eventbus.redis.uri",
                WireFormatITs.REDIS), "listings", raw, audit, seenTopic, raw + ".dlq");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + raw + "?group=orchestrator").routeId("orchestrator")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel())
                        .process(e -> seen.put(e.getIn().getBody(Envelope.class).getEventId(),
                                e.getIn().getBody(Envelope.class).copy()))
                        .to("bus:" + audit)
                        .process(e -> {
                            Envelope listing = e.getIn().getBody(Envelope.class);
                            e.getIn().setBody(listing.derive("listing_seen",
                                    JSON.createObjectNode().put("listing_id", listing.getData().path("original_id").asText())));
                        })
                        .to("bus:" + seenTopic);
                from("bus:" + audit + "?group=audit").routeId("audit").process(e -> {
                    ConsumedEvent consumed = e.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
                    audited.put(consumed.eventId(), consumed.raw());
                });
                from("bus:" + seenTopic + "?group=index").routeId("index").process(e -> {
                    ConsumedEvent consumed = e.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
                    derived.put(e.getIn().getBody(Envelope.class).getParentEventId(), consumed.raw());
                });
            }
        });
        context.start();
        RedisClient client = RedisClient.create(WireFormatITs.REDIS);
        try (StatefulRedisConnection<String, String> redis = transport.equals("redis") ? client.connect() : null) {
            byte[] example = WireFormatITs.example("listings.json").getBytes(StandardCharsets.UTF_8);
            String second = new String(example, StandardCharsets.UTF_8)
                    .replace("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13", "lst-2").replace("listing-123", "listing-124");
            String untyped = second.replace("lst-2", "lst-3").replace("\"event_type\": \"raw_listing\",", "");
            Map<String, String> published = Map.of("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13",
                    new String(example, StandardCharsets.UTF_8), "lst-2", second, "lst-3", untyped);
            for (String message : published.values()) {
                if (redis != null) {
                    RedisService.requireRunning();
                    redis.sync().xadd(raw, Map.of("data", message));
                } else {
                    try {
                        context.createProducerTemplate().sendBody("bus:" + raw, message);
                    } catch (org.apache.camel.CamelExecutionException invalid) {
                        dead.put("lst-3", "refused at publish: " + invalid.getCause().getMessage());
                    }
                }
            }
            if (redis != null) {
                // a plain reader of the dead-letter stream finds the unreadable event as its producer sent it
                await().atMost(Duration.ofSeconds(60)).until(() -> redis.sync().xlen(raw + ".dlq") == 1);
                String body = redis.sync().xrange(raw + ".dlq", io.lettuce.core.Range.create("-", "+")).get(0)
                        .getBody().get("envelope");
                assertEquals(untyped, body);
                dead.put("lst-3", body);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> audited.size() == 2 && derived.size() == 2);
            assertEquals(1, dead.size(), "the event without event_type is dead-lettered (redis) or refused (memory)");

            Envelope listing = seen.get("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13");
            assertEquals("raw_listing", listing.getEventType());
            assertEquals("1.0.0", listing.getSchemaVersion());
            assertEquals("cian", listing.getSource());
            assertEquals("2025-11-28T10:15:30.123456Z", listing.getPublishedAt());
            assertEquals("trace-123", listing.getTraceId());
            assertEquals("req-456", listing.getRequestId());
            assertEquals("https://cian.ru/sale/flat/123/", listing.getData().get("source_url").asText());
            assertEquals(published.get("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13"),
                    new String(audited.get("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13"), StandardCharsets.UTF_8));
            assertEquals(second, new String(audited.get("lst-2"), StandardCharsets.UTF_8));

            JsonNode child = JSON.readTree(derived.get("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13"));
            assertEquals("listing_seen", child.at("/metadata/event_type").asText());
            assertEquals("9b2f4c1e-6d3a-4f8e-a1b7-2c5d8e9f0a13", child.at("/metadata/parent_event_id").asText());
            assertEquals("trace-123", child.at("/metadata/trace_id").asText());
            assertEquals("req-456", child.at("/metadata/request_id").asText());
            assertEquals("listing-123", child.get("listing_id").asText());

            Set<String> settled = new HashSet<>(audited.keySet());
            settled.addAll(dead.keySet());
            assertEquals(published.keySet(), settled, "published = processed + dead-lettered");
        } finally {
            context.stop();
            if (transport.equals("redis")) {
                try (StatefulRedisConnection<String, String> redis = client.connect()) {
                    redis.sync().del(raw, audit, seenTopic, raw + ".dlq", "processing.failed");
                }
            }
            client.shutdown();
        }
    }
}
