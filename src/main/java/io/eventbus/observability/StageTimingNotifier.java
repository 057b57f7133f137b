package io.eventbus.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.StepCompletedEvent;
import org.apache.camel.spi.CamelEvent.StepEvent;
import org.apache.camel.spi.CamelEvent.StepFailedEvent;
import org.apache.camel.spi.CamelEvent.StepStartedEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Times each pipeline stage (a Camel {@code step}) of any route as {@value BusMetrics#STAGE_DURATION}: a step's start
 * and end are only told by Camel's step events, which Camel emits whether or not a notifier wants exchange events.
 * It takes no exchange event: a notifier that wants one makes Camel build events for every exchange of the
 * application (created, sending, sent, completed, failed, redelivered), while what they would tell of consumed
 * events the bus tells its observer once per event, when it settles it ({@link BusMetrics#settled}).
 */
public final class StageTimingNotifier extends EventNotifierSupport {

    private static final String STAGE_STARTS = "EventbusStageStarts";

    private final BusMetrics metrics;

    public StageTimingNotifier(BusMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        // every exchange event, and with it Camel's event notification for exchanges (its isEventNotificationApplicable)
        setIgnoreExchangeEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof StepEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof StepStartedEvent started) {
            stageStarts(started.getExchange()).put(started.getStepId(), System.nanoTime());
        } else if (event instanceof StepCompletedEvent completed) {
            stageEnded(completed.getExchange(), completed.getStepId(), false);
        } else if (event instanceof StepFailedEvent failed) {
            stageEnded(failed.getExchange(), failed.getStepId(), true);
        }
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
