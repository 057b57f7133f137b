package io.eventbus.transport.redis;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TransportHealth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.eventbus.transport.redis.component.RedisStreamsComponent;
import io.eventbus.transport.redis.component.RedisStreamsConstants;
import io.eventbus.transport.redis.streams.EntryNotReplicatedException;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;

/**
 * {@code waitForReplicas} without a failover: on a Redis without replicas a publish that asks for one fails,
 * retryable, saying how many acknowledged (the entry is in the stream nonetheless, hence possible duplicates on
 * retry); through Sentinel, with a replica, it succeeds, and the transport's health names the sentinels and the
 * master.
 */
class RedisWaitForReplicasIT {

    @TempDir
    Path dir;

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Test
    void aPublishNoReplicaAcknowledgedFailsRetryablyNamingHowManyDid() throws Exception {
        String stream = "wait-it-" + UUID.randomUUID();
        CamelContext context = new DefaultCamelContext();
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            for (String options : List.of("waitForReplicas=1&waitTimeout=100",
                    "waitForReplicas=1&waitTimeout=100&retention=CAP&maxLen=100")) {
                Exchange sent = template.request("redis-streams:" + stream + "?" + options,
                        e -> e.getIn().setBody("{}"));
                EntryNotReplicatedException failure = assertInstanceOf(EntryNotReplicatedException.class,
                        sent.getException(), options);
                assertInstanceOf(RetryableException.class, failure);
                assertEquals(0, failure.acknowledged());
                assertTrue(failure.getMessage().contains("acknowledged by 0 of the 1 replica asked for"),
                        failure.getMessage());
            }
            Exchange unchanged = template.request("redis-streams:" + stream, e -> e.getIn().setBody("{}"));
            assertNull(unchanged.getException(), "without the option nothing waits for replicas");
        } finally {
            context.stop();
        }
        RedisClient raw = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = raw.connect()) {
            assertEquals(3, connection.sync().xlen(stream), "refused publishes were appended all the same");
            connection.sync().del(stream);
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void throughSentinelAPublishWaitsForTheReplicaAndHealthNamesTheSentinels() throws Exception {
        try (RedisService.SentinelGroup redis = new RedisService.SentinelGroup(dir).start(1)) {
            String stream = "wait-it-" + UUID.randomUUID();
            CamelContext context = new DefaultCamelContext();
            // connection options are the component's: its one client serves every endpoint
            context.getComponent("redis-streams", RedisStreamsComponent.class).getConfiguration().setUri(redis.uri());
            context.start();
            try {
                ProducerTemplate template = context.createProducerTemplate();
                Exchange sent = template.request("redis-streams:" + stream + "?waitForReplicas=1&waitTimeout=2000",
                        e -> e.getIn().setBody("{}"));
                assertNull(sent.getException());
                assertNotNull(sent.getMessage().getHeader(RedisStreamsConstants.ENTRY_ID));

                RedisStreamsConfiguration configuration = new RedisStreamsConfiguration();
                configuration.setUri(redis.uri());
                try (RedisTransport transport = new RedisTransport(context, configuration, "")) {
                    TransportHealth health = transport.health();
                    assertEquals(redis.uri(), health.details().get("redis"));
                    assertTrue(health.connected(), health.error());
                }
            } finally {
                context.stop();
            }
        }
    }
}
