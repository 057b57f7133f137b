package io.eventbus.transport.redis;

import java.util.Map;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.BeforeAll;

import io.eventbus.observability.BacklogGaugesContractIT;

/**
 * The backlog gauges over Redis Streams: lag from XINFO GROUPS, pending from the group's PEL, the DLQ stream's
 * length.
 */
class RedisBacklogGaugesIT extends BacklogGaugesContractIT {

    @BeforeAll
    static void redisRuns() {
        RedisService.requireRunning();
    }

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "redis", "eventbus.redis.uri", RedisService.URI,
                "eventbus.redis.count", "1");
    }

    @Override
    protected void cleanUp() {
        RedisClient client = RedisService.client(RedisService.URI);
        try (var connection = client.connect()) {
            connection.sync().del(topic, topic + ".dlq");
        } finally {
            client.shutdown();
        }
    }
}
