package io.eventbus.transport.redis;

import java.util.Locale;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;

/**
 * Creates the {@code redis} transport from the {@code eventbus.redis.*} keys (see {@code application.properties}):
 * {@code uri} (default {@code redis://127.0.0.1:6379}; {@code redis-sentinel://host1:port1,host2:port2#masterName}
 * for a master found through Redis Sentinel), {@code username}, {@code password}, {@code sentinel-password},
 * {@code database}, {@code tls}, {@code stream-prefix}, retention {@code max-len} (10000), {@code max-age} (ms, 0), {@code retention}
 * ({@code target} or {@code cap}, see {@link RetentionMode}), {@code approximate-trimming},
 * consumer {@code count} (100), {@code prefetch} (400), {@code block} (ms, 2000), {@code claim-min-idle} (ms, 60000),
 * {@code claim-interval} (ms, 1000), {@code publish-timeout} (ms, 10000), and {@code wait-for-replicas} (0: off)
 * with {@code wait-timeout} (ms, 1000). Group, concurrency, redelivery delay
 * and start position come from each {@code bus:} endpoint.
 */
public final class RedisTransportFactory implements TransportFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransportFactory.class);
    private static final String PREFIX = "eventbus.redis.";

    @Override
    public Transport create(CamelContext context, EventBusProperties settings) {
        return new RedisTransport(context, configuration(settings), settings.string(PREFIX + "stream-prefix", ""));
    }

    static RedisStreamsConfiguration configuration(EventBusProperties settings) {
        RedisStreamsConfiguration c = new RedisStreamsConfiguration();
        c.setUri(settings.string(PREFIX + "uri", c.getUri()));
        c.setUsername(settings.string(PREFIX + "username").orElse(null));
        c.setPassword(settings.string(PREFIX + "password").orElse(null));
        c.setSentinelPassword(settings.string(PREFIX + "sentinel-password").orElse(null));
        c.setDatabase((int) settings.nonNegativeLong(PREFIX + "database", 0));
        c.setTls(settings.bool(PREFIX + "tls", false));
        c.setMaxLen(settings.nonNegativeLong(PREFIX + "max-len", c.getMaxLen()));
        c.setMaxAge(settings.nonNegativeLong(PREFIX + "max-age", c.getMaxAge()));
        c.setApproximateTrimming(settings.bool(PREFIX + "approximate-trimming", true));
        c.setRetention(retention(settings));
        c.setCount(settings.positiveInt(PREFIX + "count", c.getCount()));
        c.setPrefetch(settings.positiveInt(PREFIX + "prefetch", c.getPrefetch()));
        c.setBlock(settings.positiveInt(PREFIX + "block", (int) c.getBlock()));
        c.setClaimMinIdle(settings.positiveInt(PREFIX + "claim-min-idle", (int) c.getClaimMinIdle()));
        c.setClaimInterval(settings.positiveInt(PREFIX + "claim-interval", (int) c.getClaimInterval()));
        c.setPublishTimeout(settings.positiveInt(PREFIX + "publish-timeout", (int) c.getPublishTimeout()));
        c.setWaitForReplicas((int) settings.nonNegativeLong(PREFIX + "wait-for-replicas", 0));
        c.setWaitTimeout(settings.positiveInt(PREFIX + "wait-timeout", (int) c.getWaitTimeout()));
        try {
            c.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
        }
        return c;
    }

    /** {@code retention}: target (default) or cap; {@code trim-safely}, its predecessor, is ignored with a warning. */
    private static RetentionMode retention(EventBusProperties settings) {
        settings.string(PREFIX + "trim-safely").ifPresent(value -> LOG.warn("{}trim-safely = {} has no effect any "
                + "more: retention never drops an entry a consumer group has not acknowledged; {}retention = target "
                + "(default) or cap chooses what max-len means. Remove the key.", PREFIX, value, PREFIX));
        String value = settings.string(PREFIX + "retention", "target");
        try {
            return RetentionMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "retention: expected target or cap but was '" + value + "'");
        }
    }
}
