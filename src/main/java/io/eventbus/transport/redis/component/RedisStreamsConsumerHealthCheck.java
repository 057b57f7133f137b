package io.eventbus.transport.redis.component;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.StreamGroupMember;

/**
 * Readiness of a {@code redis-streams:} consumer: DOWN when Redis does not answer a {@code PING}; UP with details
 * {@code connected}, {@code latency_ms}, {@code stream}, {@code group}, {@code consumer}, {@code length},
 * {@code lag} and {@code pending} ({@code XINFO GROUPS}), {@code route.id}. Camel's consumer check of the route
 * ({@code consumer:<route id>}) merges it. Never shows the URI's password.
 */
public class RedisStreamsConsumerHealthCheck extends AbstractHealthCheck {

    private static final long PROBE_TIMEOUT = 2000;

    private final RedisStreamsConsumer consumer;
    private final RedisStreamsClient client;
    private final StreamGroupMember reader;

    public RedisStreamsConsumerHealthCheck(RedisStreamsConsumer consumer, RedisStreamsClient client,
            StreamGroupMember reader) {
        super("camel", "redis-streams-consumer-" + consumer.getRouteId());
        this.consumer = consumer;
        this.client = client;
        this.reader = reader;
    }

    @Override
    public boolean isLiveness() {
        // Redis being away makes the application unready; restarting it would not bring Redis back
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("route.id", consumer.getRouteId());
        builder.detail("group", reader.group());
        builder.detail("redis", client.endpoint());
        double latency;
        try {
            latency = client.ping(PROBE_TIMEOUT);
        } catch (Exception e) {
            builder.detail("connected", false);
            builder.message("Redis at " + client.endpoint() + " does not answer: " + e.getMessage());
            builder.error(e);
            builder.down();
            return;
        }
        builder.detail("connected", true);
        builder.detail("latency_ms", latency);
        reader.details().forEach(builder::detail);
        builder.up();
    }
}
