package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.TopicStats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24's first finding, on the default settings: a consumer group created first, then 30,000 events published
 * through {@code bus:} (the default {@code max-len} is 10,000), then read by the group: all 30,000 arrive, because
 * retention waits for the group; meanwhile the stream reports what the group holds past retention, and once the
 * group has caught up the stream shrinks back to its target.
 */
class LaggingGroupLosesNothingIT {

    private static final int EVENTS = 30_000;
    private static final int MAX_LEN = 10_000;

    private final String prefix = "lagging-it-" + UUID.randomUUID() + ":";
    private final String stream = prefix + "orders";
    private final List<CamelContext> contexts = new ArrayList<>();

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @AfterEach
    void cleanUp() {
        contexts.forEach(CamelContext::stop);
        RedisClient raw = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = raw.connect()) {
            connection.sync().del(stream, stream + ".dlq");
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aGroupThirtyThousandBehindReadsAllThirtyThousand() throws Exception {
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        CamelContext consumer = context();
        consumer.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?group=g&concurrency=4").routeId("g").autoStartup(false).process(e -> received
                        .computeIfAbsent(e.getIn().getBody(Envelope.class).getEventId(), id -> new AtomicInteger())
                        .incrementAndGet());
            }
        });
        consumer.start();
        consumer.getRouteController().startRoute("g"); // creates the group at the stream's start
        consumer.getRouteController().stopRoute("g");

        CamelContext publisher = context();
        publisher.start();
        Set<String> published = publish(publisher.createProducerTemplate());
        assertEquals(EVENTS, published.size());

        RedisTransport transport = (RedisTransport) publisher.getComponent("bus", BusComponent.class)
                .transportFor("orders");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TopicStats stats = transport.stats("orders", Set.of("g"));
            assertEquals(EVENTS, stats.length(), "nothing trimmed while the group has read nothing");
            TopicStats.GroupStats group = stats.groups().get(0);
            assertEquals(EVENTS, group.lag());
            assertEquals(EVENTS - MAX_LEN, group.heldPastRetention(), "all 20,000 past max-len are held for g");
        });

        consumer.getRouteController().startRoute("g");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= EVENTS);
        assertEquals(published, received.keySet(), "exactly the published ids");
        long duplicates = received.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).count();
        System.out.printf("lagging group: published %d, received %d distinct, %d delivered more than once%n",
                published.size(), received.size(), duplicates);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(0L,
                transport.stats("orders", Set.of("g")).groups().get(0).pending()));
        ProducerTemplate template = publisher.createProducerTemplate();
        for (int i = 0; i < MAX_LEN / 10; i++) {
            template.sendBody("bus:orders", BusOverRedisSupport.event(EVENTS + i));
        }
        // a trimming round runs every MAX_LEN / 10 publishes: after the last one, up to that many more entries are
        // appended before the next, plus part of a radix-tree node that approximate trimming keeps
        long bound = MAX_LEN + MAX_LEN / 10 + 200;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            TopicStats stats = transport.stats("orders", Set.of("g"));
            assertTrue(stats.length() <= bound, "a caught-up group lets the stream shrink: " + stats.length());
            assertEquals(0L, stats.groups().get(0).heldPastRetention());
        });
    }

    /** Publishes the events from four threads, returning the ids of those whose publish returned. */
    private Set<String> publish(ProducerTemplate template) throws Exception {
        Set<String> published = ConcurrentHashMap.newKeySet();
        Envelope first = BusOverRedisSupport.event(0);
        template.sendBody("bus:orders", first); // the bus component starts with the first endpoint, on one thread
        published.add(first.getEventId());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int from = 1 + t * (EVENTS - 1) / 4;
                int to = 1 + (t + 1) * (EVENTS - 1) / 4;
                done.add(threads.submit(() -> {
                    for (int i = from; i < to; i++) {
                        Envelope event = BusOverRedisSupport.event(i);
                        template.sendBody("bus:orders", event);
                        published.add(event.getEventId());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdown();
        }
        return published;
    }

    private CamelContext context() {
        CamelContext context = BusOverRedisSupport.context(RedisService.URI, "eventbus.redis.stream-prefix", prefix);
        contexts.add(context);
        return context;
    }
}
