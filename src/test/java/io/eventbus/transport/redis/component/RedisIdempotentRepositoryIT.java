package io.eventbus.transport.redis.component;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis idempotent repository catches duplicates across CamelContexts (instances, restarts) and forgets an id
 * after its TTL.
 */
class RedisIdempotentRepositoryIT {

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Test
    void aDuplicateIsCaughtByAnotherInstanceAndAfterARestart() throws Exception {
        String name = "dedupe-it-" + UUID.randomUUID();
        List<String> processed = new CopyOnWriteArrayList<>();
        CamelContext first = instance(name, 60_000, processed);
        CamelContext second = instance(name, 60_000, processed);
        try {
            ProducerTemplate one = first.createProducerTemplate();
            ProducerTemplate two = second.createProducerTemplate();
            for (int i = 0; i < 20; i++) {
                one.sendBodyAndHeader("direct:dedupe", "event", "EventId", "event-" + i);
                two.sendBodyAndHeader("direct:dedupe", "event", "EventId", "event-" + i);
            }
            assertEquals(20, processed.size(), "each event processed once across two instances: " + processed);
            second.stop();
            CamelContext restarted = instance(name, 60_000, processed);
            try {
                restarted.createProducerTemplate().sendBodyAndHeader("direct:dedupe", "event", "EventId", "event-3");
            } finally {
                restarted.stop();
            }
            assertEquals(20, processed.size(), "a restarted instance still knows the processed ids");
        } finally {
            first.stop();
            second.stop();
        }
    }

    @Test
    void anIdIsForgottenAfterItsTtl() throws Exception {
        RedisIdempotentRepository repository = new RedisIdempotentRepository();
        repository.setName("ttl-it-" + UUID.randomUUID());
        repository.setTtl(500);
        repository.start();
        try {
            assertTrue(repository.add("a"));
            assertFalse(repository.add("a"), "a duplicate within the TTL");
            assertTrue(repository.contains("a"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !repository.contains("a"));
            assertTrue(repository.add("a"), "accepted again once forgotten");
            repository.clear();
            assertFalse(repository.contains("a"));
        } finally {
            repository.stop();
        }
    }

    private static CamelContext instance(String name, long ttl, List<String> processed) throws Exception {
        CamelContext context = new DefaultCamelContext();
        RedisIdempotentRepository repository = new RedisIdempotentRepository();
        repository.setName(name);
        repository.setTtl(ttl);
        context.getRegistry().bind("dedupe", repository);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:dedupe").idempotentConsumer(header("EventId")).idempotentRepository(repository)
                        .process(e -> processed.add(e.getIn().getHeader("EventId", String.class)));
            }
        });
        context.start();
        return context;
    }
}
