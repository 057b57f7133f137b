package io.eventbus.transport.redis.component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.eventbus.transport.redis.RedisService;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.StreamGroupInfo;

/** The redis-streams: component on its own, in plain Camel routes, without the event bus. */
class RedisStreamsComponentIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private CamelContext context;
    private ProducerTemplate template;
    private String stream;

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @BeforeEach
    void start() {
        stream = "component-it-" + UUID.randomUUID();
        context = new DefaultCamelContext();
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aPlainRouteAppendsAndConsumesEntriesWithTheirFields() throws Exception {
        List<Exchange> received = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").routeId("append").to("redis-streams:" + stream + "?maxLen=1000");
                from("redis-streams:" + stream + "?group=billing&count=10").routeId("bill")
                        .process(e -> received.add(e.copy()));
            }
        });
        for (int i = 0; i < 20; i++) {
            Exchange sent = template.request("direct:orders", e -> {
                e.getIn().setBody("{\"order\": " + e.getExchangeId().hashCode() + "}");
                e.getIn().setHeader(RedisStreamsConstants.FIELDS, Map.of("kind", "order"));
            });
            assertNotNull(sent.getMessage().getHeader(RedisStreamsConstants.ENTRY_ID), "XADD returns the entry id");
        }

        await().atMost(WAIT).until(() -> received.size() >= 20);
        Thread.sleep(200);
        assertEquals(20, received.size());
        Exchange first = received.get(0);
        assertTrue(new String(first.getIn().getBody(byte[].class), StandardCharsets.UTF_8).startsWith("{\"order\": "));
        assertEquals(Map.of("kind", "order"), first.getIn().getHeader(RedisStreamsConstants.FIELDS));
        assertEquals("billing", first.getIn().getHeader(RedisStreamsConstants.GROUP));
        assertEquals(1, first.getIn().getHeader(RedisStreamsConstants.DELIVERY_COUNT));
        assertEquals(stream, first.getIn().getHeader(RedisStreamsConstants.STREAM));
        awaitGroup(0, 0);
    }

    @Test
    void aFailedExchangeLeavesTheEntryPendingAndItIsDeliveredAgainWithItsCount() throws Exception {
        Map<String, List<Integer>> counts = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-streams:" + stream + "?group=g&redeliveryDelay=50").routeId("flaky")
                        .errorHandler(noErrorHandler())
                        .process(e -> {
                            String id = e.getIn().getHeader(RedisStreamsConstants.ENTRY_ID, String.class);
                            int count = e.getIn().getHeader(RedisStreamsConstants.DELIVERY_COUNT, Integer.class);
                            counts.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(count);
                            if (count < 3) {
                                throw new IllegalStateException("attempt " + count + " fails");
                            }
                        });
            }
        });
        for (int i = 0; i < 10; i++) {
            template.sendBody("redis-streams:" + stream, "entry " + i);
        }

        await().atMost(WAIT).until(() -> counts.size() == 10 && counts.values().stream().allMatch(c -> c.size() == 3));
        counts.forEach((id, seen) -> assertEquals(List.of(1, 2, 3), seen, "delivery counts of " + id));
        awaitGroup(0, 0);
    }

    @Test
    void anEntryWrittenByAnyClientIsConsumed() throws Exception {
        Set<String> bodies = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-streams:" + stream + "?group=g").routeId("plain")
                        .process(e -> bodies.add(e.getIn().getBody(String.class)));
            }
        });
        RedisClient raw = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = raw.connect()) {
            connection.sync().xadd(stream, "envelope", "{\"hello\":1}");
            connection.sync().xadd(stream, "text", "just one field");
        } finally {
            raw.shutdown();
        }
        await().atMost(WAIT).until(() -> bodies.size() == 2);
        assertEquals(Set.of("{\"hello\":1}", "just one field"), bodies);
    }

    @Test
    void readinessReportsConnectionLatencyAndTheGroupsBacklog() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("redis-streams:" + stream + "?group=watched").routeId("watched").log("${body}");
            }
        });
        template.sendBody("redis-streams:" + stream, "one");
        RedisStreamsConsumer consumer = (RedisStreamsConsumer) context.getRoute("watched").getConsumer();
        await().atMost(WAIT).untilAsserted(() -> {
            HealthCheck.Result result = consumer.getHealthCheck().call();
            assertEquals(HealthCheck.State.UP, result.getState(), "readiness " + result.getDetails());
            Map<String, Object> details = result.getDetails();
            assertEquals(true, details.get("connected"));
            assertTrue(((Number) details.get("latency_ms")).doubleValue() >= 0);
            assertEquals(stream, details.get("stream"));
            assertEquals("watched", details.get("group"));
            assertEquals(0L, ((Number) details.get("pending")).longValue());
            assertEquals(0L, ((Number) details.get("lag")).longValue());
            assertEquals(1L, ((Number) details.get("length")).longValue());
        });
    }

    @Test
    void aRouteMayPublishSynchronouslyWhereAnAppendConfirmed() throws Exception {
        // the route continues on the thread that completed the first append; a blocking publish there must still be
        // answered, which it cannot be if that thread is the event loop that has to read the answer
        String second = stream + "-second";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:chain")
                        .to("redis-streams:" + stream + "?publishTimeout=2000")
                        .process(e -> template.sendBody("redis-streams:" + second + "?publishTimeout=2000", "nested"));
            }
        });
        Exchange done = template.send("direct:chain", e -> e.getIn().setBody("first"));
        assertNull(done.getException(), () -> "the nested publish failed: " + done.getException());
        RedisStreamsClient client = context.getComponent("redis-streams", RedisStreamsComponent.class).client();
        assertEquals(1, client.length(stream, 5000));
        assertEquals(1, client.length(second, 5000));
        client.commands().del(second).get();
    }

    @Test
    void aMemberHoldsNoMoreThanItsPrefetchAndReadsFullBatches() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        AtomicInteger processed = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:append").to("redis-streams:" + stream + "?maxLen=0");
                // two workers stuck until the gate opens: the read-ahead alone fills the window
                // started once all 50 are in the stream, so that every read finds a full batch
                from("redis-streams:" + stream + "?group=g&count=5&prefetch=12&concurrency=2").routeId("gated")
                        .autoStartup(false)
                        .process(e -> {
                            open.await();
                            processed.incrementAndGet();
                        });
            }
        });
        for (int i = 0; i < 50; i++) {
            template.sendBody("direct:append", "{\"n\": " + i + "}");
        }
        context.getRouteController().startRoute("gated");
        RedisStreamsClient client = context.getComponent("redis-streams", RedisStreamsComponent.class).client();
        // reads of 5 while 5 places are free: 5, then 5 more, then 2 free are too few for a third
        await().atMost(WAIT).untilAsserted(() -> assertEquals(10, client.groups(stream, 5000).get(0).pending()));
        Thread.sleep(500);
        assertEquals(10, client.groups(stream, 5000).get(0).pending(), "held while the workers are stuck");
        open.countDown();
        await().atMost(WAIT).until(() -> processed.get() >= 50);
        awaitGroup(0, 0);
        assertEquals(50, processed.get(), "published = processed");
    }

    private void awaitGroup(long pending, long lag) {
        RedisStreamsClient client = context.getComponent("redis-streams", RedisStreamsComponent.class).client();
        await().atMost(WAIT).untilAsserted(() -> {
            StreamGroupInfo group = client.groups(stream, 5000).get(0);
            assertEquals(pending, group.pending(), "pending of " + group);
            assertEquals(lag, group.lag(), "lag of " + group);
        });
    }
}
