package io.eventbus.transport.redis;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;

/**
 * Creates the {@code redis} transport from its {@link RedisSettings}, the {@code eventbus.redis.*} keys (see
 * docs/transports/redis.md).
 */
public final class RedisTransportFactory implements TransportFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransportFactory.class);
    private static final String PREFIX = "eventbus.redis.";

    @Override
    public Transport create(CamelContext context, EventBusProperties properties) {
        RedisSettings settings = settings(properties);
        return new RedisTransport(context, settings.toStreamsConfiguration(), settings.getRedisStreamPrefix());
    }

    static RedisStreamsConfiguration configuration(EventBusProperties properties) {
        return settings(properties).toStreamsConfiguration();
    }

    /** The settings; {@code trim-safely}, replaced by {@code retention}, is ignored with a warning. */
    private static RedisSettings settings(EventBusProperties properties) {
        properties.string(PREFIX + "trim-safely").ifPresent(value -> LOG.warn("{}trim-safely = {} has no effect any "
                + "more: retention never drops an entry a consumer group has not acknowledged; {}retention = target "
                + "(default) or cap chooses what max-len means. Remove the key.", PREFIX, value, PREFIX));
        return properties.settings(RedisSettings.class);
    }
}
