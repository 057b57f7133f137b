package io.eventbus.observability;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.BusMiddleware;
import io.eventbus.bus.ConsumerTags;

/**
 * The {@code metrics} middleware: times each route's processing of a consumed event as
 * {@value BusMetrics#PROCESSING} (Prometheus {@code eventbus_consumer_processing_seconds}), tagged by topic, group,
 * route, transport and outcome ({@code completed}, {@code dead_lettered}, {@code duplicate}, {@code failed}).
 * The bus's event counters do not need it: they are always on.
 */
public final class MetricsMiddleware implements BusMiddleware {

    private static final String STARTED = "EventbusMetricsMiddlewareStarted";

    private final BusMetrics metrics;

    public MetricsMiddleware(BusMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void before(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void after(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        ConsumerTags tags = exchange.getProperty(ConsumerTags.PROPERTY, ConsumerTags.class);
        if (started != null && tags != null) {
            metrics.processing(tags, outcomeOf(exchange), System.nanoTime() - started);
        }
    }

    /** How the processing of a consumed event ended, as a bounded tag value. */
    static String outcomeOf(Exchange exchange) {
        if (exchange.isFailed()) {
            return "failed";
        }
        if (exchange.getProperty(BusConstants.DEAD_LETTERED) != null) {
            return "dead_lettered";
        }
        if (exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class)) {
            return "duplicate";
        }
        return "completed";
    }

    @Override
    public String toString() {
        return "metrics";
    }
}
