package io.eventbus.transport.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention: maxLen keeps a stream at about maxLen; trimSafely never drops an entry a group still needs. */
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
    void maxLenKeepsTheStreamAtAboutMaxLen() {
        for (int i = 0; i < 5000; i++) {
            template.sendBody("redis-streams:" + stream + "?maxLen=500", "entry " + i);
        }
        long length = redis.xlen(stream);
        // approximate trimming removes whole radix-tree nodes (stream-node-max-entries, 100 by default)
        assertTrue(length >= 500 && length <= 600, "length after 5000 appends with maxLen=500: " + length);

        for (int i = 0; i < 1000; i++) {
            template.sendBody("redis-streams:" + stream + "?maxLen=300&approximateTrimming=false", "exact " + i);
        }
        assertEquals(300, redis.xlen(stream));
    }

    @Test
    void safeTrimmingNeverDropsAnEntryAGroupHasNotAcknowledged() {
        redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "lagging", XGroupCreateArgs.Builder.mkstream());
        String uri = "redis-streams:" + stream + "?maxLen=100&trimSafely=true";
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
