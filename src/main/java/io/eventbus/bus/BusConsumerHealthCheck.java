package io.eventbus.bus;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import io.eventbus.errorhandling.CircuitBreakerHold;
import io.eventbus.errorhandling.HeldCircuitBreaker;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;

/**
 * Readiness of one {@code bus:} consumer: DOWN when its transport cannot reach the broker, with the topic, group,
 * route, transport, {@code connected}, {@code latency_ms}, the consumer's backlog ({@code pending}, {@code lag}) and
 * the state of the route's circuit breakers ({@code breaker.<id>.state} and more) as details; an open breaker does
 * not make it DOWN. Camel's readiness check of the route's consumer ({@code consumer:<route id>}) calls it and reports its
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
        breakerDetails(builder);
        // an open breaker leaves the consumer ready: it holds its events until the dependency is back, and taking the
        // application out of service would not bring the dependency back
        builder.up();
    }

    /** {@code breaker.<id>.state}, {@code .failure_rate}, {@code .not_permitted_calls}, {@code .held} per breaker. */
    private void breakerDetails(HealthCheckResultBuilder builder) {
        CircuitBreakerHold breakers = consumer.getEndpoint().getComponent().getCircuitBreakers();
        if (breakers == null) {
            return;
        }
        for (HeldCircuitBreaker breaker : breakers.breakersOf(consumer.getRouteId())) {
            String prefix = "breaker." + breaker.getBreakerId() + ".";
            builder.detail(prefix + "state", breaker.getState());
            builder.detail(prefix + "failure_rate", breaker.getFailureRate());
            builder.detail(prefix + "not_permitted_calls", breaker.getNotPermittedCalls());
            builder.detail(prefix + "held", breaker.getHeldEvents());
        }
    }
}
