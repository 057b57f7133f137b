package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.eventbus.bus.BusComponent;
import io.eventbus.deadletter.DeadLetter;
import io.eventbus.deadletter.DeadLetterFilter;
import io.eventbus.deadletter.DeadLetters;
import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code redis} transport on a {@code redis-cluster://} URI, with three masters and three replicas as private
 * processes: events of several topics, whose streams hash to slots of different masters, are published and consumed
 * through {@code bus:}; a poison event per topic is dead-lettered to {@code <topic>.dlq}, whose stream shares the
 * topic's hash tag and so its slot; published = processed + dead-lettered by exact event ids; the transport's stats
 * and dead-letter store (what {@code eventbus stats} and {@code eventbus dlq} use) read them on the cluster.
 */
class RedisClusterIT {

    private static final String PREFIX = "bus.";
    private static final List<String> TOPICS = List.of("cluster.orders", "cluster.payments", "cluster.shipments",
            "cluster.invoices", "cluster.refunds", "cluster.returns");
    private static final int PER_TOPIC = 150;

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    @Test
    void topicsSpreadOverTheMastersFlowAndDeadLettersShareTheirTopicsSlot() throws Exception {
        RedisService.ClusterGroup cluster = REDIS.cluster();
        Set<Integer> masters = new HashSet<>();
        for (String topic : TOPICS) {
            masters.add(cluster.masterOf(SlotHash.getSlot("{" + PREFIX + topic + "}")));
        }
        assertTrue(masters.size() >= 2, "the topics' streams are on several masters: " + masters);

        CamelContext context = BusOverRedisSupport.context(cluster.uri(), "eventbus.redis.stream-prefix", PREFIX,
                "eventbus.redis.block", "500", "eventbus.deadletter.failed-topic", "none");
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(0));
                for (String topic : TOPICS) {
                    from("bus:" + topic + "?group=workers&concurrency=2").routeId(topic).process(e -> {
                        Envelope event = e.getIn().getBody(Envelope.class);
                        if (event.getData().path("poison").asBoolean()) {
                            throw new FatalException("poison event " + event.getEventId());
                        }
                        processed.computeIfAbsent(event.getEventId(), id -> new AtomicInteger()).incrementAndGet();
                    });
                }
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            Map<String, Set<String>> published = new ConcurrentHashMap<>();
            Map<String, String> poisonOf = new ConcurrentHashMap<>();
            for (String topic : TOPICS) {
                Set<String> ids = new TreeSet<>();
                for (int n = 0; n < PER_TOPIC; n++) {
                    Envelope event = BusOverRedisSupport.event(n);
                    if (n == PER_TOPIC / 2) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) event.getData()).put("poison", true);
                        poisonOf.put(topic, event.getEventId());
                    }
                    template.sendBody("bus:" + topic, event);
                    ids.add(event.getEventId());
                }
                published.put(topic, ids);
            }
            Set<String> expectedProcessed = new TreeSet<>();
            published.values().forEach(expectedProcessed::addAll);
            expectedProcessed.removeAll(poisonOf.values());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> processed.keySet().containsAll(expectedProcessed));

            BusComponent bus = context.getComponent("bus", BusComponent.class);
            DeadLetters deadLetters = new DeadLetters(bus);
            Transport transport = bus.transportFor(TOPICS.get(0));
            for (String topic : TOPICS) {
                // eventbus dlq list: exactly the poison event, in <topic>.dlq
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        deadLetters.list(topic, DeadLetterFilter.ALL, 1, 100).total() == 1);
                List<DeadLetter> letters = deadLetters.list(topic, DeadLetterFilter.ALL, 1, 100).letters();
                assertEquals(List.of(poisonOf.get(topic)), letters.stream().map(l -> l.envelope().getEventId())
                        .toList(), "the dead letters of " + topic);
                // published = processed + dead-lettered, exactly
                Set<String> accounted = new TreeSet<>(published.get(topic));
                accounted.removeAll(processed.keySet());
                assertEquals(Set.of(poisonOf.get(topic)), accounted, "events of " + topic + " not processed");

                // eventbus stats: the stream's length and the group, caught up
                TopicStats stats = transport.stats(topic, Set.of("workers"));
                assertEquals(PER_TOPIC, stats.length(), "length of " + topic);
                assertEquals("{" + PREFIX + topic + "}", stats.details().get("stream"));
                TopicStats.GroupStats workers = stats.groups().get(0);
                assertEquals("workers", workers.group());
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    TopicStats.GroupStats now = transport.stats(topic, Set.of("workers")).groups().get(0);
                    return Long.valueOf(0).equals(now.pending()) && Long.valueOf(0).equals(now.lag());
                });
                TopicStats dlqStats = transport.stats(topic + ".dlq", Set.of());
                assertEquals(1, dlqStats.length(), "length of " + topic + ".dlq");
            }
            long duplicates = processed.values().stream().filter(count -> count.get() > 1).count();
            assertEquals(expectedProcessed, new TreeSet<>(processed.keySet()), "processed events");
            System.out.printf("%s: %d topics on %d masters, %d events processed (%d more than once), %d "
                    + "dead-lettered%n", getClass().getSimpleName(), TOPICS.size(), masters.size(),
                    processed.size(), duplicates, poisonOf.size());
        } finally {
            context.stop();
        }

        // the keys, seen from outside: each topic, its dead letters in one slot, hash-tagged; nothing unprefixed
        RedisClusterClient client = RedisClusterClient.create(cluster.uri().replace("redis-cluster://",
                "redis://"));
        try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
            for (String topic : TOPICS) {
                String stream = "{" + PREFIX + topic + "}";
                String deadLetters = stream + ".dlq";
                assertEquals(1L, connection.sync().exists(stream), stream);
                assertEquals(1L, connection.sync().exists(deadLetters), deadLetters);
                assertEquals(connection.sync().clusterKeyslot(stream), connection.sync().clusterKeyslot(deadLetters));
                assertEquals(0L, connection.sync().exists(PREFIX + topic), "no stream named without its tag");
            }
        } finally {
            client.shutdown();
        }
    }
}
