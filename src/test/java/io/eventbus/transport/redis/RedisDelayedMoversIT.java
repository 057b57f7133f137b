package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

import static io.eventbus.bus.TransportContractIT.assertExactIds;
import static io.eventbus.bus.TransportContractIT.awaitIds;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several processes move one stream's delayed entries at once, and none is appended twice: the publisher stops with
 * 300 delayed events pending, two other applications consume the topic (each running a mover), and the stream ends up
 * with exactly one entry per event and the delayed set empty. A member of the set that is not the bus's (a JSON
 * array of fields) is appended as its envelope and dead-lettered with the reason, never stalling the mover.
 */
class RedisDelayedMoversIT {

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Test
    void twoMoversAppendEveryDueEntryOnceAndAForeignMemberIsDeadLettered() throws Exception {
        String topic = "delayed-movers-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        Set<String> deadLettered = ConcurrentHashMap.newKeySet();
        List<CamelContext> consumers = List.of(BusOverRedisSupport.context(RedisService.URI),
                BusOverRedisSupport.context(RedisService.URI));
        CamelContext publisher = BusOverRedisSupport.context(RedisService.URI);
        RedisClient redis = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = redis.connect()) {
            int member = 0;
            for (CamelContext context : consumers) {
                String routeId = "member-" + member++;
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:" + topic + "?group=g").routeId(routeId).process(e -> processed
                                .computeIfAbsent(e.getIn().getBody(Envelope.class).getEventId(),
                                        id -> new AtomicInteger()).incrementAndGet());
                        from("bus:" + topic + ".dlq?group=ops").routeId(routeId + "-dlq")
                                .process(e -> deadLettered.add(String.valueOf(
                                        e.getIn().getBody(Envelope.class).getMetadata().get("last_error"))));
                    }
                });
                context.start();
            }
            publisher.start();
            ProducerTemplate template = publisher.createProducerTemplate();
            Set<String> published = new LinkedHashSet<>();
            for (int i = 0; i < 300; i++) {
                Envelope event = BusOverRedisSupport.event(i);
                template.sendBodyAndHeader("bus:" + topic, event, BusConstants.DELAY, 500 + (i % 5) * 100);
                published.add(event.getEventId());
            }
            publisher.stop();
            connection.sync().zadd(topic + ":delayed", 0, "not a JSON array of fields");

            awaitIds(published, processed.keySet(), "processed");
            await().atMost(Duration.ofSeconds(60)).until(() -> deadLettered.size() == 1);
            Thread.sleep(500);
            assertExactIds(published, processed.keySet(), "processed after settling");
            processed.forEach((id, n) -> assertEquals(1, n.get(), "deliveries of " + id));
            assertEquals(301L, connection.sync().xlen(topic), "one stream entry per delayed event and the foreign one");
            assertEquals(0L, connection.sync().zcard(topic + ":delayed"), "nothing left in the delayed set");
            String reason = deadLettered.iterator().next();
            assertTrue(reason.startsWith("envelope: not valid JSON"), "reason was " + reason);
            connection.sync().del(topic, topic + ".dlq", topic + ":delayed");
        } finally {
            consumers.forEach(CamelContext::stop);
            publisher.stop();
            redis.shutdown();
        }
    }
}
