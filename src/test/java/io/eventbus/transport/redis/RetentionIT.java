package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.RetryableException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.eventbus.transport.redis.streams.StreamCapReachedException;

/**
 * Retention: maxLen is reached when no group needs the oldest entries; under the default TARGET retention an entry a
 * group still needs is never trimmed; under CAP a publish that would need that is refused, naming the group.
 */
class RetentionIT {

    private CamelContext context;
    private ProducerTemplate template;
    private RedisClient raw;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private String stream;

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @BeforeEach
    void start() {
        stream = "retention-it-" + UUID.randomUUID();
        context = new DefaultCamelContext();
        context.start();
        template = context.createProducerTemplate();
        raw = RedisService.client(RedisService.URI);
        connection = raw.connect();
        redis = connection.sync();
    }

    @AfterEach
    void stop() {
        context.stop();
        redis.del(stream);
        connection.close();
        raw.shutdown();
    }

    @Test
    void withoutGroupsMaxLenKeepsTheStreamAtAboutMaxLen() {
        for (int i = 0; i < 5000; i++) {
            template.sendBody("redis-streams:" + stream + "?maxLen=500", "entry " + i);
        }
        settle();
        long length = redis.xlen(stream);
        // approximate trimming removes whole radix-tree nodes (stream-node-max-entries, 100 by default)
        assertTrue(length >= 500 && length <= 600, "length after 5000 appends with maxLen=500: " + length);

        for (int i = 0; i < 1000; i++) {
            template.sendBody("redis-streams:" + stream + "?maxLen=300&approximateTrimming=false", "exact " + i);
        }
        settle();
        // exact: never below maxLen; a round runs every maxLen / 10 publishes, so up to that many more
        long exact = redis.xlen(stream);
        assertTrue(exact >= 300 && exact <= 330, "length after 1000 appends with exact maxLen=300: " + exact);
    }

    @Test
    void theDefaultRetentionNeverDropsAnEntryAGroupHasNotAcknowledged() {
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "lagging", XGroupCreateArgs.Builder.mkstream());
        String uri = "redis-streams:" + stream + "?maxLen=100&approximateTrimming=false";
        for (int i = 0; i < 1000; i++) {
            template.sendBody(uri, "entry " + i);
        }
        settle();
        assertEquals(1000, redis.xlen(stream), "nothing trimmed while the group has read nothing");

        List<StreamMessage<String, String>> read = redis.xreadgroup(Consumer.from("lagging", "c1"),
                XReadArgs.Builder.count(600), XReadArgs.StreamOffset.lastConsumed(stream));
        assertEquals(600, read.size());
        String heldBack = read.get(10).getId();
        String alsoHeld = read.get(300).getId();
        for (StreamMessage<String, String> entry : read) {
            if (!entry.getId().equals(heldBack) && !entry.getId().equals(alsoHeld)) {
                redis.xack(stream, "lagging", entry.getId());
            }
        }
        for (int i = 0; i < 200; i++) {
            template.sendBody(uri, "more " + i);
        }
        settle();
        assertEquals(1, redis.xrange(stream, io.lettuce.core.Range.create(heldBack, heldBack)).size(),
                "the oldest unacknowledged entry is kept");
        assertEquals(1, redis.xrange(stream, io.lettuce.core.Range.create(alsoHeld, alsoHeld)).size());
        assertTrue(redis.xrange(stream, io.lettuce.core.Range.create("-", "+"),
                io.lettuce.core.Limit.from(1)).get(0).getId().equals(heldBack),
                "acknowledged entries older than the oldest unacknowledged one were trimmed");
        assertEquals(1190, redis.xlen(stream));

        redis.xack(stream, "lagging", heldBack, alsoHeld);
        List<StreamMessage<String, String>> rest = redis.xreadgroup(Consumer.from("lagging", "c1"),
                XReadArgs.Builder.count(10_000), XReadArgs.StreamOffset.lastConsumed(stream));
        rest.forEach(entry -> redis.xack(stream, "lagging", entry.getId()));
        for (int i = 0; i < 40; i++) {
            template.sendBody(uri, "caught up " + i);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long length = redis.xlen(stream);
            assertTrue(length <= 110, "a caught-up group lets the stream shrink to about maxLen: " + length);
        });
        assertFalse(redis.xinfoGroups(stream).isEmpty());
        assertEquals(0, redis.xpending(stream, "lagging").getCount());
    }

    @Test
    void aCapRefusesThePublishThatWouldDropAnUnreadEntryNamingTheGroup() {
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "billing", XGroupCreateArgs.Builder.mkstream());
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "$"), "audit", XGroupCreateArgs.Builder.mkstream());
        String uri = "redis-streams:" + stream + "?maxLen=100&retention=CAP";
        Set<String> accepted = new LinkedHashSet<>();
        for (int i = 0; i < 100; i++) {
            template.sendBody(uri, "entry " + i);
            accepted.add("entry " + i);
        }
        CamelExecutionException refused = assertThrows(CamelExecutionException.class,
                () -> template.sendBody(uri, "one too many"));
        StreamCapReachedException cause = assertInstanceOf(StreamCapReachedException.class, refused.getCause());
        assertEquals(Set.of("billing", "audit"), Set.copyOf(cause.groups()), cause.getMessage());
        assertTrue(cause.getMessage().contains("is at its cap of 100 entries"), cause.getMessage());
        assertInstanceOf(RetryableException.class, cause, "back-pressure: the publisher retries");
        assertEquals(100, redis.xlen(stream), "nothing appended, nothing trimmed");

        // both read 30 and acknowledge 29: the entry they hold back is the cap's floor
        for (String group : List.of("billing", "audit")) {
            List<StreamMessage<String, String>> read = redis.xreadgroup(Consumer.from(group, "c1"),
                    XReadArgs.Builder.count(30), XReadArgs.StreamOffset.lastConsumed(stream));
            assertEquals(30, read.size());
            read.subList(0, 29).forEach(entry -> redis.xack(stream, group, entry.getId()));
        }
        for (int i = 100; i < 129; i++) {
            template.sendBody(uri, "entry " + i);
            accepted.add("entry " + i);
        }
        assertThrows(CamelExecutionException.class, () -> template.sendBody(uri, "held back by the 30th"));
        assertTrue(redis.xlen(stream) <= 100, "never above the cap: " + redis.xlen(stream));

        Set<String> readByBilling = new LinkedHashSet<>();
        List<StreamMessage<String, String>> pending = redis.xreadgroup(Consumer.from("billing", "c1"),
                XReadArgs.Builder.count(10), XReadArgs.StreamOffset.from(stream, "0"));
        assertEquals(1, pending.size(), "the unacknowledged entry is still there");
        readByBilling.add("entry 29");
        List<StreamMessage<String, String>> rest = redis.xreadgroup(Consumer.from("billing", "c1"),
                XReadArgs.Builder.count(1000), XReadArgs.StreamOffset.lastConsumed(stream));
        rest.forEach(entry -> readByBilling.add(entry.getBody().get("envelope")));
        Set<String> expected = new LinkedHashSet<>(accepted);
        expected.removeIf(body -> Integer.parseInt(body.substring("entry ".length())) < 29);
        assertEquals(expected, readByBilling, "every accepted entry from the first unacknowledged one on");
    }

    /** The safe trimmer runs in the background: waits until the length stops changing. */
    private void settle() {
        long[] last = { -1 };
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    long now = redis.xlen(stream);
                    boolean stable = now == last[0];
                    last[0] = now;
                    return stable;
                });
    }
}
