package io.eventbus.transport.redis;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.deadletter.DeadLetterContractIT;

/**
 * Dead letters of the Redis transport on a Redis Cluster the test starts (three masters, three replicas): list,
 * count, replay, park and purge ({@code eventbus dlq}) with the topic, {@code <topic>.dlq} and
 * {@code <topic>.parked} under one hash tag.
 */
class RedisClusterDeadLetterContractIT extends DeadLetterContractIT {

    @TempDir
    static Path dir;
    private static RedisService.ClusterGroup cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new RedisService.ClusterGroup(dir).start();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "redis", "eventbus.redis.uri", cluster.uri());
    }
}
