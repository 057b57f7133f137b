package io.eventbus.bus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.MajorVersionPolicy;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.SharedSettings;
import io.eventbus.transport.redis.RedisSettings;
import io.eventbus.transport.redis.streams.RetentionMode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The {@code eventbus.*} keys as typed options: a key that is set wins, else the {@code bus} component's option, else
 * the default; a bad value names the key.
 */
class BusSettingsTest {

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void componentOptionsReachTheBusAndItsTransportsAndAKeyThatIsSetWins() throws Exception {
        context = context(Map.of("eventbus.source", "from-the-key"));
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        // what camel.component.bus.<option> = value does through Camel Main: the component's generated configurer
        Map<String, Object> options = new HashMap<>(Map.of("source", "from-the-option", "deadletter-max-replays", "7",
                "memoryCapacity", "2", "schemaMajorVersionPolicy", "reject"));
        PropertyBindingSupport.build().withCamelContext(context).withTarget(bus)
                .withConfigurer(bus.getComponentPropertyConfigurer()).withIgnoreCase(true).withProperties(options)
                .bind();
        assertEquals(Map.of(), options, "every option bound");
        context.start();

        assertEquals("from-the-key", bus.getSource());
        assertEquals(7, bus.getMaxReplays());
        assertEquals(MajorVersionPolicy.REJECT, bus.startedSettings().getSchemaMajorVersionPolicy());
        assertEquals(2, bus.transportFor("orders").stats("orders", Set.of()).details().get("capacity"),
                "the memory transport was created with the component's option");
    }

    @Test
    void unsetKeysKeepTheDefaultsTheSettingsClassesDeclare() {
        EventBusProperties properties = new EventBusProperties(context(Map.of()));
        BusSettings bus = properties.settings(BusSettings.class);
        assertEquals("memory", bus.getTransport());
        assertEquals(1048576, bus.getEnvelopeMaxBytes());
        assertEquals("processing.failed", bus.getDeadletterFailedTopic());
        assertNull(bus.getMiddleware());
        RedisSettings redis = properties.settings(RedisSettings.class);
        assertEquals(10_000, redis.getRedisMaxLen());
        assertEquals(RetentionMode.TARGET, redis.getRedisRetention());
    }

    @Test
    void keysAreReadByTypeAndAnEmptyValueKeepsTheDefault() {
        EventBusProperties properties = new EventBusProperties(context(Map.of("eventbus.redis.max-len", " 500 ",
                "eventbus.redis.retention", "Cap", "eventbus.redis.tls", "TRUE", "eventbus.redis.uri", "")));
        RedisSettings redis = properties.settings(RedisSettings.class);
        assertEquals(500, redis.getRedisMaxLen());
        assertEquals(RetentionMode.CAP, redis.getRedisRetention());
        assertEquals(true, redis.isRedisTls());
        assertEquals("redis://127.0.0.1:6379", redis.getRedisUri());
    }

    @Test
    void aBadValueNamesItsKeyWhetherAKeyOrAComponentOptionGaveIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EventBusProperties(
                context(Map.of("eventbus.groups.abandon-after", "-1"))).settings(SharedSettings.class));
        assertEquals("eventbus.groups.abandon-after: expected an integer >= 0 but was \"-1\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EventBusProperties(
                context(Map.of("eventbus.reload.enabled", "yes"))).settings(BusSettings.class));
        assertEquals("eventbus.reload.enabled: expected true or false but was \"yes\"", e.getMessage());

        RedisSettings option = new RedisSettings();
        option.setRedisCount(0);
        e = assertThrows(IllegalArgumentException.class,
                () -> new EventBusProperties(context(Map.of()), List.of(option)).settings(RedisSettings.class));
        assertEquals("eventbus.redis.count: expected an integer between 1 and 2147483647 but was \"0\"",
                e.getMessage());
    }

    @Test
    void theSharedSettingsOfTheTransportsComeFromTheBusComponentsOptions() {
        BusSettings option = new BusSettings();
        option.setDeadletterFailedTopic("none");
        SharedSettings shared = new EventBusProperties(context(Map.of()), List.of(option))
                .settings(SharedSettings.class);
        assertNull(shared.failedTopicOrNull());
        assertFalse(shared instanceof BusSettings, "a transport gets a SharedSettings, a copy");
    }

    private static CamelContext context(Map<String, String> keys) {
        CamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.putAll(keys);
        context.getPropertiesComponent().setInitialProperties(properties);
        return context;
    }
}
