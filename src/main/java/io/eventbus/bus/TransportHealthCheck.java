package io.eventbus.bus;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportHealth;

/**
 * Readiness of one transport, {@code eventbus-transport-<name>}: DOWN when its broker does not answer, with
 * {@code transport}, {@code connected}, {@code latency_ms}, the probe's error and what else the transport tells
 * (broker, queue depths, cluster id; never secrets). Registered when the transport is first used, so an application
 * is not made unready by a broker none of its topics uses.
 */
final class TransportHealthCheck extends AbstractHealthCheck {

    private final Transport transport;

    TransportHealthCheck(Transport transport) {
        super("eventbus", "eventbus-transport-" + transport.name());
        this.transport = transport;
    }

    @Override
    public boolean isLiveness() {
        // a broker outage makes the application unready, not dead: restarting it would not bring the broker back
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("transport", transport.name());
        if (probe(transport, builder)) {
            builder.up();
        }
    }

    /**
     * Probes the transport into the check's result: {@code connected}, {@code latency_ms} and the transport's own
     * details; when the broker cannot be reached, DOWN with the reason as message and {@code last_error}.
     *
     * @return whether the broker answered (the caller then adds its own details and decides)
     */
    static boolean probe(Transport transport, HealthCheckResultBuilder builder) {
        TransportHealth health;
        try {
            health = transport.health();
        } catch (RuntimeException e) {
            builder.detail("connected", false);
            builder.detail("last_error", String.valueOf(e.getMessage()));
            builder.message("health probe of the " + transport.name() + " transport failed: " + e.getMessage());
            builder.error(e);
            builder.down();
            return false;
        }
        builder.detail("connected", health.connected());
        builder.detail("latency_ms", health.latencyMillis());
        health.details().forEach(builder::detail);
        if (!health.connected()) {
            builder.detail("last_error", String.valueOf(health.error()));
            builder.message(health.error());
            builder.down();
            return false;
        }
        return true;
    }
}
