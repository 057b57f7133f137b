package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer groups of a Redis stream that nobody reads any more can be dropped ({@code XGROUP DESTROY}), never one
 * with a live member: on request ({@code Transport.deleteGroup}), and by the running bus with
 * {@code eventbus.groups.abandon-after}. Needs Redis on 127.0.0.1:6379; streams get a unique prefix.
 */
class RedisGroupDeletionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String prefix = "groups-it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final String topic = "orders";
    private final String stream = prefix + topic;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private CamelContext context;

    @BeforeAll
    static void redisRuns() {
        RedisService.requireRunning();
    }

    @BeforeEach
    void connect() {
        client = RedisService.client(RedisService.URI);
        connection = client.connect();
        redis = connection.sync();
    }

    @AfterEach
    void cleanUp() {
        if (context != null) {
            context.stop();
        }
        List<String> keys = redis.keys(prefix + "*");
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
        connection.close();
        client.shutdown();
    }

    @Test
    void aGroupWithALiveMemberIsRefusedAndDeletedOnceTheMemberStopped() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        context = start(received, "billing");
        Set<String> published = publish(5);
        await().atMost(WAIT).until(() -> received.size() == published.size());
        assertEquals(published, received);
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);

        GroupInUseException refused = assertThrows(GroupInUseException.class,
                () -> transport.deleteGroup(topic, "billing"));
        assertTrue(refused.getMessage().contains("live member"), refused.getMessage());
        assertEquals(0L, group(transport.stats(topic, Set.of()), "billing").lag());

        context.getRouteController().stopRoute("billing");
        assertTrue(transport.deleteGroup(topic, "billing"));
        assertTrue(redis.xinfoGroups(stream).isEmpty(), "the group is gone from Redis");
        assertFalse(transport.deleteGroup(topic, "billing"), "no such group any more");
        assertEquals(5, redis.xlen(stream), "deleting a group deletes no entry");
    }

    @Test
    void aGroupWithoutConsumersIsIdleSinceTheOldestEntryItHasNotReceived() throws Exception {
        context = start(ConcurrentHashMap.newKeySet(), "billing");
        redis.xgroupCreate(XReadArgs.StreamOffset.latest(stream), "archive", XGroupCreateArgs.Builder.mkstream());
        publish(3);
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);

        await().atMost(WAIT).untilAsserted(() -> {
            TopicStats.GroupStats archive = group(transport.stats(topic, Set.of()), "archive");
            assertEquals(3L, archive.lag());
            assertEquals(0, archive.consumers());
            assertNotNull(archive.idleMillis());
            assertTrue(archive.idleMillis() >= 500, "idle " + archive.idleMillis());
        });
        TopicStats.GroupStats billing = group(transport.stats(topic, Set.of()), "billing");
        assertTrue(billing.idleMillis() < 60_000, "a live member reads all the time: " + billing);
        assertTrue(transport.deleteGroup(topic, "archive"));
    }

    @Test
    void theRunningBusDropsAGroupWithoutMembersForAbandonAfterAndSparesItsOwn() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        context = BusOverRedisSupport.context(RedisService.URI, "eventbus.redis.stream-prefix", prefix,
                "eventbus.groups.abandon-after", "1500", "eventbus.redis.claim-min-idle", "1000");
        context.start();
        redis.xgroupCreate(XReadArgs.StreamOffset.latest(stream), "decommissioned",
                XGroupCreateArgs.Builder.mkstream());
        context.addRoutes(routes(received, "billing"));
        Set<String> published = publish(4);
        await().atMost(WAIT).until(() -> received.size() == published.size());

        await().atMost(WAIT).until(() -> groupNames().equals(Set.of("billing")));
        assertEquals(published, received);
        // billing stopped and an event it has not received ages past the limit: this application declares the
        // group, so it stays
        context.getRouteController().stopRoute("billing");
        publish(1);
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);
        await().atMost(WAIT).until(() -> {
            Long idle = group(transport.stats(topic, Set.of()), "billing").idleMillis();
            return idle != null && idle > 1500;
        });
        context.getComponent("bus", BusComponent.class).getAbandonedGroupSweeper().sweep();
        assertEquals(Set.of("billing"), groupNames());
    }

    private CamelContext start(Set<String> received, String group) throws Exception {
        CamelContext started = BusOverRedisSupport.context(RedisService.URI, "eventbus.redis.stream-prefix", prefix);
        started.start();
        started.addRoutes(routes(received, group));
        return started;
    }

    private RouteBuilder routes(Set<String> received, String group) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=" + group).routeId(group)
                        .process(e -> received.add(e.getMessage().getHeader(BusConstants.EVENT_ID, String.class)));
            }
        };
    }

    private Set<String> publish(int count) {
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            Envelope event = BusOverRedisSupport.event(i);
            template.sendBody("bus:" + topic, event);
            ids.add(event.getEventId());
        }
        return ids;
    }

    private Set<String> groupNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Object group : redis.xinfoGroups(stream)) {
            List<?> fields = (List<?>) group;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("name".equals(String.valueOf(fields.get(i)))) {
                    names.add(String.valueOf(fields.get(i + 1)));
                }
            }
        }
        return names;
    }

    private static TopicStats.GroupStats group(TopicStats stats, String name) {
        return stats.groups().stream().filter(g -> g.group().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no group " + name + " in " + stats));
    }
}
