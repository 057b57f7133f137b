package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The stream deleted under a running bus: consumer: the group is re-created (NOGROUP) and consuming goes on. */
class DeletedStreamRecoveryIT {

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Test
    void aConsumerRecoversWhenItsStreamIsDeleted() throws Exception {
        String topic = "deleted-it-" + UUID.randomUUID();
        CamelContext context = BusOverRedisSupport.context(RedisService.URI, "eventbus.redis.block", "200");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId("survivor")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        RedisClient raw = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> redis = raw.connect()) {
            ProducerTemplate template = context.createProducerTemplate();
            Set<String> before = publish(template, topic, 50);
            await().atMost(Duration.ofSeconds(60)).until(() -> processed.containsAll(before));

            redis.sync().del(topic);
            Set<String> after = publish(template, topic, 50);

            Set<String> all = new TreeSet<>(before);
            all.addAll(after);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertEquals(all, new TreeSet<>(processed), "processed before and after the deletion"));
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.sync().xpending(topic, "g").getCount() == 0);
        } finally {
            context.stop();
            raw.shutdown();
        }
    }

    private static Set<String> publish(ProducerTemplate template, String topic, int count) {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            Envelope event = BusOverRedisSupport.event(i);
            template.sendBody("bus:" + topic, event);
            ids.add(event.getEventId());
        }
        return ids;
    }
}
