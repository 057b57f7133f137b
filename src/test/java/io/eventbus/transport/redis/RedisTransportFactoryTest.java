package io.eventbus.transport.redis;

import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;
import io.eventbus.transport.redis.streams.RetentionMode;

/** eventbus.redis.* becomes the transport's configuration; a bad value names its key. No Redis needed. */
class RedisTransportFactoryTest {

    @Test
    void keysMapToTheConfigurationWithItsDefaults() {
        RedisStreamsConfiguration defaults = RedisTransportFactory.configuration(settings());
        assertEquals("redis://127.0.0.1:6379", defaults.getUri());
        assertEquals(10_000, defaults.getMaxLen());
        assertEquals(60_000, defaults.getClaimMinIdle());
        assertEquals(100, defaults.getCount());
        assertEquals(400, defaults.getPrefetch());
        assertEquals(RetentionMode.TARGET, defaults.getRetention(), "retention never drops unread entries by default");

        RedisStreamsConfiguration set = RedisTransportFactory.configuration(settings(
                "eventbus.redis.uri", "redis://localhost:6380/2", "eventbus.redis.max-len", "500",
                "eventbus.redis.retention", "cap", "eventbus.redis.claim-min-idle", "5000",
                "eventbus.redis.password", "s3cret", "eventbus.redis.prefetch", "50"));
        assertEquals("redis://localhost:6380/2", set.getUri());
        assertEquals(500, set.getMaxLen());
        assertEquals(RetentionMode.CAP, set.getRetention());
        assertEquals(5000, set.getClaimMinIdle());
        assertEquals("s3cret", set.getPassword());
        assertEquals(50, set.getPrefetch());
    }

    @Test
    void aMalformedValueNamesItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisTransportFactory.configuration(settings("eventbus.redis.max-len", "10k")));
        assertEquals("eventbus.redis.max-len: expected an integer >= 0 but was \"10k\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RedisTransportFactory.configuration(settings("eventbus.redis.prefetch", "0")));
        assertTrue(e.getMessage().startsWith("eventbus.redis.prefetch: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisTransportFactory.configuration(settings(
                "eventbus.redis.retention", "cap", "eventbus.redis.max-len", "0")));
        assertEquals("eventbus.redis.retention: CAP needs maxLen above 0, the cap", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisTransportFactory.configuration(settings(
                "eventbus.redis.retention", "trim")));
        assertEquals("eventbus.redis.retention: expected one of target, cap but was \"trim\"", e.getMessage());
    }

    @Test
    void aUriThatIsNoRedisUriIsReportedWithoutEchoingIt() {
        RedisStreamsConfiguration configuration = new RedisStreamsConfiguration();
        configuration.setUri("http://user:hunter2@example");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisStreamsClient.redisUri(configuration));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().startsWith("uri: "), e.getMessage());
    }

    @Test
    void waitingForReplicasIsOffByDefaultAndSetByItsKeys() {
        RedisStreamsConfiguration defaults = RedisTransportFactory.configuration(settings());
        assertEquals(0, defaults.getWaitForReplicas(), "publishes do not wait for replicas by default");
        assertEquals(1000, defaults.getWaitTimeout());

        RedisStreamsConfiguration set = RedisTransportFactory.configuration(settings(
                "eventbus.redis.wait-for-replicas", "2", "eventbus.redis.wait-timeout", "250"));
        assertEquals(2, set.getWaitForReplicas());
        assertEquals(250, set.getWaitTimeout());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisTransportFactory
                .configuration(settings("eventbus.redis.wait-timeout", "0")));
        assertTrue(e.getMessage().startsWith("eventbus.redis.wait-timeout: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisTransportFactory
                .configuration(settings("eventbus.redis.wait-for-replicas", "-1")));
        assertTrue(e.getMessage().startsWith("eventbus.redis.wait-for-replicas: "), e.getMessage());
    }

    @Test
    void aSentinelUriNamesItsSentinelsAndMasterButNoPassword() {
        RedisStreamsConfiguration configuration = RedisTransportFactory.configuration(settings(
                "eventbus.redis.uri", "redis-sentinel://hunter2@10.0.0.1:26379,10.0.0.2:26380/3#orders",
                "eventbus.redis.sentinel-password", "sentinel-secret"));
        RedisURI uri = RedisStreamsClient.redisUri(configuration);
        assertEquals("orders", uri.getSentinelMasterId());
        assertEquals(3, uri.getDatabase());
        assertEquals("hunter2", new String(uri.getPassword()), "the URI's password is the master's and replicas'");
        assertEquals(2, uri.getSentinels().size());
        for (RedisURI sentinel : uri.getSentinels()) {
            assertEquals("sentinel-secret", new String(sentinel.getPassword()));
        }
        String endpoint = RedisStreamsClient.endpoint(uri);
        assertEquals("redis-sentinel://10.0.0.1:26379,10.0.0.2:26380#orders", endpoint);
        assertFalse(endpoint.contains("hunter2") || endpoint.contains("sentinel-secret"), endpoint);

        assertEquals("127.0.0.1:6380", RedisStreamsClient.endpoint(RedisStreamsClient.redisUri(
                RedisTransportFactory.configuration(settings("eventbus.redis.uri", "redis://:pw@127.0.0.1:6380")))));
    }

    @Test
    void aClusterUriNamesItsSeedsWithTheCredentialsButNoPassword() {
        RedisStreamsConfiguration configuration = RedisTransportFactory.configuration(settings(
                "eventbus.redis.uri", "redis-cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3",
                "eventbus.redis.username", "bus", "eventbus.redis.password", "hunter2"));
        assertTrue(configuration.isCluster());
        List<RedisURI> seeds = RedisStreamsClient.clusterUris(configuration);
        assertEquals(List.of("10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:6379"),
                seeds.stream().map(seed -> seed.getHost() + ":" + seed.getPort()).toList());
        for (RedisURI seed : seeds) {
            assertEquals("hunter2", new String(seed.getCredentialsProvider().resolveCredentials().block()
                    .getPassword()));
        }
        RedisStreamsConfiguration inUri = new RedisStreamsConfiguration();
        inUri.setUri("redis-cluster://:hunter2@10.0.0.1:7000");
        assertEquals("hunter2", new String(RedisStreamsClient.clusterUris(inUri).get(0).getPassword()));
        inUri.setUri("redis://:hunter2@10.0.0.1:7000,10.0.0.2:7000");
        assertTrue(inUri.isCluster(), "Lettuce's multi-host redis:// form names a cluster");
        assertEquals(2, RedisStreamsClient.clusterUris(inUri).size());
        for (String single : List.of("redis://10.0.0.1:7000", "redis://a,b@10.0.0.1:7000/2",
                "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379#m")) {
            inUri.setUri(single);
            assertFalse(inUri.isCluster(), single);
        }
    }

    @Test
    void waitingForReplicasOrADatabaseIsRefusedOnACluster() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisTransportFactory
                .configuration(settings("eventbus.redis.uri", "redis-cluster://127.0.0.1:7000",
                        "eventbus.redis.wait-for-replicas", "1")));
        assertTrue(e.getMessage().startsWith("eventbus.redis.wait-for-replicas: not supported on a Redis Cluster"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisTransportFactory
                .configuration(settings("eventbus.redis.uri", "redis-cluster://127.0.0.1:7000",
                        "eventbus.redis.database", "2")));
        assertTrue(e.getMessage().startsWith("eventbus.redis.database: "), e.getMessage());
    }

    @Test
    void onAClusterATopicItsDeadLettersAndParkedEventsShareAHashTag() {
        assertEquals("bus.orders", RedisTransport.streamName("bus.", "orders", false));
        assertEquals("bus.orders.dlq", RedisTransport.streamName("bus.", "orders.dlq", false));
        assertEquals("{bus.orders}", RedisTransport.streamName("bus.", "orders", true));
        assertEquals("{bus.orders}.dlq", RedisTransport.streamName("bus.", "orders.dlq", true));
        assertEquals("{orders}.parked", RedisTransport.streamName("", "orders.parked", true));
        assertEquals("{orders}.dlq.parked", RedisTransport.streamName("", "orders.dlq.parked", true));
        assertEquals("{.dlq}", RedisTransport.streamName("", ".dlq", true));
        int slot = SlotHash.getSlot("{bus.orders}");
        for (String topic : List.of("orders.dlq", "orders.parked", "orders.dlq.parked")) {
            assertEquals(slot, SlotHash.getSlot(RedisTransport.streamName("bus.", topic, true)), topic);
        }
    }

    @Test
    void aSentinelUriWithoutMasterNameOrAStrayPasswordIsRefused() {
        RedisStreamsConfiguration noMaster = new RedisStreamsConfiguration();
        noMaster.setUri("redis-sentinel://hunter2@10.0.0.1:26379");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisStreamsClient.redisUri(noMaster));
        assertTrue(e.getMessage().contains("#masterName"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());

        RedisStreamsConfiguration stray = new RedisStreamsConfiguration();
        stray.setSentinelPassword("sentinel-secret");
        e = assertThrows(IllegalArgumentException.class, () -> RedisStreamsClient.redisUri(stray));
        assertTrue(e.getMessage().startsWith("sentinelPassword: "), e.getMessage());
        assertFalse(e.getMessage().contains("sentinel-secret"), e.getMessage());
    }

    private static EventBusProperties settings(String... pairs) {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        return new EventBusProperties(context);
    }
}
