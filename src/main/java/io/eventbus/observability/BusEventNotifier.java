package io.eventbus.observability;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeRedeliveryEvent;
import org.apache.camel.spi.CamelEvent.StepCompletedEvent;
import org.apache.camel.spi.CamelEvent.StepEvent;
import org.apache.camel.spi.CamelEvent.StepFailedEvent;
import org.apache.camel.spi.CamelEvent.StepStartedEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.ConsumedEvent;
import io.eventbus.bus.ConsumerTags;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * Records the meters Camel's own events tell: deduplicated events (an Idempotent Consumer's
 * {@code CamelDuplicateMessage}), end-to-end latency of consumed events (completion minus {@code published_at}, for
 * events processed or filtered, not for failed or dead-lettered ones), redeliveries by a route's error handler, and
 * the duration of each pipeline stage (a Camel {@code step}) of any route.
 */
public final class BusEventNotifier extends EventNotifierSupport {

    private static final String STAGE_STARTS = "EventbusStageStarts";

    private final BusMetrics metrics;

    public BusEventNotifier(BusMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        // not ignoring failed events: Camel counts redelivery events among them
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCompletedEvent || event instanceof ExchangeRedeliveryEvent
                || event instanceof StepEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof StepStartedEvent started) {
            stageStarts(started.getExchange()).put(started.getStepId(), System.nanoTime());
        } else if (event instanceof StepCompletedEvent completed) {
            stageEnded(completed.getExchange(), completed.getStepId(), false);
        } else if (event instanceof StepFailedEvent failed) {
            stageEnded(failed.getExchange(), failed.getStepId(), true);
        } else if (event instanceof ExchangeRedeliveryEvent redelivery) {
            Exchange exchange = redelivery.getExchange();
            ConsumerTags consumer = exchange.getProperty(ConsumerTags.PROPERTY, ConsumerTags.class);
            ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
            if (consumer != null && consumed != null && !isCopy(exchange)) {
                metrics.redeliveredByCamel(consumer, consumed.eventType());
            }
        } else if (event instanceof ExchangeCompletedEvent completed) {
            exchangeCompleted(completed.getExchange());
        }
    }

    private void exchangeCompleted(Exchange exchange) {
        ConsumerTags consumer = exchange.getProperty(ConsumerTags.PROPERTY, ConsumerTags.class);
        ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
        if (consumer == null || consumed == null || exchange.isFailed() || isCopy(exchange)
                || exchange.getProperty(BusConstants.DEAD_LETTERED) != null) {
            return;
        }
        if (exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class)) {
            metrics.deduplicated(consumer, consumed.eventType());
        }
        if (consumed.publishedAt() != null) {
            try {
                metrics.latency(consumer, consumed.eventType(),
                        Duration.between(EnvelopeCodec.instantOf(consumed.publishedAt()), Instant.now()));
            } catch (DateTimeParseException e) {
                // validated on consume: a consumed event always has one
            }
        }
    }

    /**
     * Whether the exchange is a copy a recipient list, multicast or splitter made of the consumed one: it is
     * correlated to another exchange (the original, once they are aggregated back, is correlated to itself).
     */
    private static boolean isCopy(Exchange exchange) {
        String correlation = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
        return correlation != null && !correlation.equals(exchange.getExchangeId());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> stageStarts(Exchange exchange) {
        Map<String, Long> starts = exchange.getProperty(STAGE_STARTS, Map.class);
        if (starts == null) {
            // concurrent: the copies a splitter or multicast makes inside a step share their parent's properties
            starts = new ConcurrentHashMap<>();
            exchange.setProperty(STAGE_STARTS, starts);
        }
        return starts;
    }

    /**
     * A stage whose failure the route's error handler handled (dead-lettered) completes as far as the step knows;
     * the caught exception tells it failed.
     */
    private void stageEnded(Exchange exchange, String stepId, boolean failed) {
        Long started = stageStarts(exchange).remove(stepId);
        failed = failed || exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT) != null;
        if (started != null) {
            String route = exchange.getFromRouteId() == null ? "none" : exchange.getFromRouteId();
            metrics.stage(route, stepId, failed, System.nanoTime() - started);
        }
    }
}
