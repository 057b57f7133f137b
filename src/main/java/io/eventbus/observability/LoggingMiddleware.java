package io.eventbus.observability;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.BusMiddleware;
import io.eventbus.bus.ConsumedEvent;

/**
 * The {@code logging} middleware: one line per consumed event when its processing ends (logger
 * {@code io.eventbus.observability.LoggingMiddleware}): type, id, topic, group, delivery count, how it ended and
 * how long the route took. Completed events at INFO, failed ones at WARN with the error.
 */
public final class LoggingMiddleware implements BusMiddleware {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingMiddleware.class);
    private static final String STARTED = "EventbusLoggingMiddlewareStarted";

    @Override
    public void before(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void after(Exchange exchange) {
        ConsumedEvent event = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
        Long started = exchange.getProperty(STARTED, Long.class);
        double millis = started == null ? 0 : (System.nanoTime() - started) / 1e6;
        String type = event == null ? null : event.eventType();
        String id = event == null ? null : event.eventId();
        Object group = exchange.getIn().getHeader(BusConstants.GROUP);
        Object deliveries = exchange.getIn().getHeader(BusConstants.DELIVERY_COUNT);
        String outcome = MetricsMiddleware.outcomeOf(exchange);
        if (exchange.isFailed()) {
            LOG.warn("{} {} from {} (group {}, delivery {}) failed after {} ms: {}", type, id,
                    event == null ? null : event.topic(), group, deliveries, String.format("%.1f", millis),
                    exchange.getException() == null ? "unknown" : exchange.getException().getMessage());
        } else {
            LOG.info("{} {} from {} (group {}, delivery {}) {} in {} ms", type, id,
                    event == null ? null : event.topic(), group, deliveries, outcome, String.format("%.1f", millis));
        }
    }

    @Override
    public String toString() {
        return "logging";
    }
}
