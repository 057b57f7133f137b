package io.eventbus.errorhandling;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.spi.InterceptStrategy;

/**
 * Puts the bus's hold ({@link HeldCircuitBreaker}) around every {@code circuitBreaker} of the context's routes that
 * uses resilience4j, Java DSL or YAML alike, and keeps the list of them for the health checks and meters. The
 * {@code bus} component adds it to its context when it is created, before the routes using it are built. A
 * breaker of another implementation is left as it is. Without {@code camel-resilience4j} on the class path there
 * is nothing to wrap: this class only names the processor's class until it meets one.
 */
public final class CircuitBreakerHold implements InterceptStrategy {

    static final String RESILIENCE_PROCESSOR = "org.apache.camel.component.resilience4j.ResilienceProcessor";

    private final List<HeldCircuitBreaker> breakers = new CopyOnWriteArrayList<>();
    private final List<Consumer<HeldCircuitBreaker>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;

    /** The strategy of the context, added to it if it has none yet. */
    public static CircuitBreakerHold of(CamelContext context) {
        for (InterceptStrategy strategy : context.getCamelContextExtension().getInterceptStrategies()) {
            if (strategy instanceof CircuitBreakerHold hold) {
                return hold;
            }
        }
        CircuitBreakerHold hold = new CircuitBreakerHold();
        context.getCamelContextExtension().addInterceptStrategy(hold);
        return hold;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
            Processor nextTarget) {
        if (!"circuitBreaker".equals(definition.getShortName())
                || !RESILIENCE_PROCESSOR.equals(target.getClass().getName())) {
            return target;
        }
        HeldCircuitBreaker held = new HeldCircuitBreaker((ResilienceProcessor) target, scheduler(context));
        // a route built again (reloaded) replaces its breakers
        breakers.removeIf(known -> Objects.equals(known.getRouteId(), held.getRouteId())
                && Objects.equals(known.getBreakerId(), held.getBreakerId()));
        breakers.add(held);
        listeners.forEach(listener -> listener.accept(held));
        return held;
    }

    private synchronized ScheduledExecutorService scheduler(CamelContext context) {
        if (scheduler == null) {
            // held calls are tried again, and their routes go on, on these threads
            scheduler = context.getExecutorServiceManager().newDefaultScheduledThreadPool(this,
                    "bus-circuit-breaker-hold");
        }
        return scheduler;
    }

    /**
     * The held breakers of the routes built so far, one per route and breaker id (the last built); those of routes
     * since removed stay, with the state they had.
     */
    public List<HeldCircuitBreaker> breakers() {
        return List.copyOf(breakers);
    }

    /** The held breaker of that route with that id, the one built last. */
    public Optional<HeldCircuitBreaker> find(String routeId, String breakerId) {
        return breakers.stream().filter(b -> Objects.equals(routeId, b.getRouteId())
                && Objects.equals(breakerId, b.getBreakerId())).findFirst();
    }

    /** The held breakers of one route. */
    public List<HeldCircuitBreaker> breakersOf(String routeId) {
        return breakers.stream().filter(b -> routeId.equals(b.getRouteId())).toList();
    }

    /** Tells the listener of every breaker known now and of each one wrapped from now on. */
    public void onBreaker(Consumer<HeldCircuitBreaker> listener) {
        listeners.add(listener);
        breakers.forEach(listener);
    }

    /** Tells the listener no more. */
    public void removeListener(Consumer<HeldCircuitBreaker> listener) {
        listeners.remove(listener);
    }
}
