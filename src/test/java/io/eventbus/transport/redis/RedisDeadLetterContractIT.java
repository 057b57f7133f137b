package io.eventbus.transport.redis;

import java.util.Map;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.eventbus.deadletter.DeadLetterContractIT;

/** Dead letters of the Redis transport, on the Redis at 127.0.0.1:6379: {@code XRANGE} to browse, {@code XDEL}. */
class RedisDeadLetterContractIT extends DeadLetterContractIT {

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "redis", "eventbus.redis.uri", RedisService.URI);
    }

    /** The shared Redis outlives the test: its streams (topic, DLQ, parked) are deleted. */
    @AfterAll
    static void deleteWhatTheTestCreated() {
        RedisClient client = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection.sync().scan(cursor,
                        KeyScanArgs.Builder.matches("dlq-contract-*"));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }
}
