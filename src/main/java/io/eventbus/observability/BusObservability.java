package io.eventbus.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceHelper;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusMiddleware;
import io.eventbus.bus.BusObserver;
import io.eventbus.bus.BusPlugin;
import io.eventbus.bus.BusSettings;
import io.eventbus.errorhandling.CircuitBreakerHold;
import io.eventbus.errorhandling.HeldCircuitBreaker;

/**
 * The bus's observability, plugged into the {@code bus} component (listed in
 * {@code META-INF/services/io.eventbus.bus.BusPlugin}): while the component runs, its meters ({@link BusMetrics},
 * which observe every event the bus publishes, consumes, settles and dead-letters), the timing of pipeline stages
 * from Camel's step events ({@link StageTimingNotifier}), the backlog gauges' poller ({@link BacklogGauges}), the
 * routes' circuit breakers ({@link BusMetrics#breaker}), and the
 * {@code logging} and {@code metrics} middlewares.
 */
public final class BusObservability implements BusPlugin {

    private CamelContext context;
    private BusMetrics metrics;
    private StageTimingNotifier stageTiming;
    private BacklogGauges backlogGauges;
    private CircuitBreakerHold breakers;
    private Consumer<HeldCircuitBreaker> breakerMeters;

    /** The observability of a started {@code bus} component. */
    public static BusObservability of(BusComponent bus) {
        return bus.getPlugin(BusObservability.class).orElseThrow(() -> new IllegalStateException(
                "the bus component has no observability: not started, or " + BusObservability.class.getName()
                        + " not listed in META-INF/services/" + BusPlugin.class.getName()));
    }

    @Override
    public BusObserver start(BusComponent bus) {
        context = bus.getCamelContext();
        BusSettings settings = bus.startedSettings();
        metrics = BusMetrics.of(context, settings.getMetricsMaxEventTypes());
        stageTiming = new StageTimingNotifier(metrics);
        ServiceHelper.startService(stageTiming);
        context.getManagementStrategy().addEventNotifier(stageTiming);
        backlogGauges = new BacklogGauges(context, metrics, bus::transportFor,
                settings.getMetricsBacklogInterval());
        backlogGauges.start();
        breakers = bus.getCircuitBreakers();
        breakerMeters = breaker -> metrics.breaker(breakers, breaker);
        breakers.onBreaker(breakerMeters);
        return metrics;
    }

    @Override
    public Map<String, Supplier<BusMiddleware>> middlewares() {
        Map<String, Supplier<BusMiddleware>> offered = new LinkedHashMap<>();
        offered.put("logging", LoggingMiddleware::new);
        offered.put("metrics", () -> new MetricsMiddleware(metrics));
        return offered;
    }

    @Override
    public void stop() {
        if (breakers != null) {
            breakers.removeListener(breakerMeters);
        }
        if (stageTiming != null) {
            context.getManagementStrategy().removeEventNotifier(stageTiming);
            ServiceHelper.stopService(stageTiming);
        }
        ServiceHelper.stopService(backlogGauges);
    }

    /** The bus's meters, in Camel's Micrometer registry. */
    public BusMetrics metrics() {
        return metrics;
    }

    /** The poller behind the backlog gauges (lag, pending, members, topic length, DLQ depth). */
    public BacklogGauges backlogGauges() {
        return backlogGauges;
    }
}
