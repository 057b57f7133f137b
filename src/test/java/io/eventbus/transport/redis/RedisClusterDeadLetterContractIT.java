package io.eventbus.transport.redis;

import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.eventbus.deadletter.DeadLetterContractIT;

/**
 * Dead letters of the Redis transport on a Redis Cluster the test starts (three masters, three replicas): list,
 * count, replay, park and purge ({@code eventbus dlq}) with the topic, {@code <topic>.dlq} and
 * {@code <topic>.parked} under one hash tag.
 */
class RedisClusterDeadLetterContractIT extends DeadLetterContractIT {

    @RegisterExtension
    static final RedisClusterExtension REDIS = new RedisClusterExtension();

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "redis", "eventbus.redis.uri", REDIS.cluster().uri());
    }
}
