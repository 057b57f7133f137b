package io.eventbus.bus;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;

/**
 * Readiness of one {@code bus:} consumer: DOWN when its transport cannot reach the broker, with the topic, group,
 * route, transport, {@code connected}, {@code latency_ms} and the consumer's backlog ({@code pending}, {@code lag})
 * as details. Camel's readiness check of the route's consumer ({@code consumer:<route id>}) calls it and reports its
 * state and details, as for Camel's own messaging components.
 */
final class BusConsumerHealthCheck extends AbstractHealthCheck {

    private final BusConsumer consumer;
    private final Transport transport;
    private final TransportConsumer transportConsumer;

    BusConsumerHealthCheck(BusConsumer consumer, Transport transport, TransportConsumer transportConsumer) {
        super("camel", "bus-consumer-" + consumer.getRouteId());
        this.consumer = consumer;
        this.transport = transport;
        this.transportConsumer = transportConsumer;
    }

    @Override
    public boolean isLiveness() {
        // a broker outage makes the application unready, not dead: restarting it would not bring the broker back
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("topic", consumer.getEndpoint().getTopic());
        builder.detail("group", consumer.getGroup());
        builder.detail("route.id", consumer.getRouteId());
        builder.detail("transport", transport.name());
        builder.detail("status", consumer.getStatus().name());
        if (!TransportHealthCheck.probe(transport, builder)) {
            return;
        }
        transportConsumer.details().forEach(builder::detail);
        if (consumer.getLastError() != null) {
            builder.detail("last_error", consumer.getLastError());
        }
        builder.up();
    }
}
