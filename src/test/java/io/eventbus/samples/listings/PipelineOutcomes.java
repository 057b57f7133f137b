package io.eventbus.samples.listings;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.ConsumedEvent;

/**
 * How each exchange of a route ended, by the {@code event_id} it consumed, counted as {@code eventbus run} counts
 * them: dead-lettered (the bus wrote its dead letter), deduplicated (Camel's Idempotent Consumer flagged it
 * {@code CamelDuplicateMessage}) or processed. Events the bus rejects before the route never make an exchange:
 * count them on the dead-letter topic.
 */
final class PipelineOutcomes extends EventNotifierSupport {

    final List<String> processed = new CopyOnWriteArrayList<>();
    final List<String> deduplicated = new CopyOnWriteArrayList<>();
    final List<String> deadLettered = new CopyOnWriteArrayList<>();
    private final String routeId;

    PipelineOutcomes(String routeId) {
        this.routeId = routeId;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCompletedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeCompletedEvent) event).getExchange();
        if (!routeId.equals(exchange.getFromRouteId())) {
            return;
        }
        String consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class).eventId();
        if (Boolean.TRUE.equals(exchange.getProperty(BusConstants.DEAD_LETTERED))) {
            deadLettered.add(consumed);
        } else if (exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class)) {
            deduplicated.add(consumed);
        } else {
            processed.add(consumed);
        }
    }
}
