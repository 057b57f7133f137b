package io.eventbus.transport.redis;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

import io.eventbus.bus.TransportContractIT;

/** The Redis Streams transport passes the whole transport contract against the Redis on 127.0.0.1:6379. */
class RedisTransportContractIT extends TransportContractIT {

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Override
    protected Features features() {
        return new Features(true, false);
    }

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "redis", "eventbus.redis.uri", RedisService.URI);
    }
}
