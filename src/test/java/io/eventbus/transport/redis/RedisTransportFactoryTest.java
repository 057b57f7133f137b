package io.eventbus.transport.redis;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eventbus.redis.* becomes the transport's configuration; a bad value names its key. No Redis needed. */
class RedisTransportFactoryTest {

    @Test
    void keysMapToTheConfigurationWithSeed001Defaults() {
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
        assertEquals("eventbus.redis.retention: expected target or cap but was 'trim'", e.getMessage());
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
