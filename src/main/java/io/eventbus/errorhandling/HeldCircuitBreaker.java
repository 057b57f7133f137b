package io.eventbus.errorhandling;

import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's {@code circuitBreaker} (Camel's resilience4j EIP) with the bus's hold around it: while the breaker is out
 * of the way of an outage the event waits here instead of failing, and the call is tried again until the breaker
 * lets it through. The event is held when ({@link #mustHold}):
 * <ul>
 * <li>the breaker refused the call: open, or half-open with every trial call taken ({@code CallNotPermittedException}
 * as the exchange's exception, or, without {@code throwExceptionWhenHalfOpenOrOpenState}, no exception and Camel's
 * {@code CamelCircuitBreakerResponseShortCircuited} property without a fallback), or its bulkhead was full;</li>
 * <li>the call failed transiently ({@link FailureClassifier#isTransient}) and the breaker is not closed after it: the
 * failure opened the breaker, or was a half-open trial. Such a failure is part of the outage, not an attempt of the
 * event.</li>
 * </ul>
 * A held exchange has its exception cleared and is tried again every {@link #pollMillis} (a tenth of the breaker's
 * {@code waitDurationInOpenState}, from 100 ms to 1 s); a try while the breaker is open is refused at once (each
 * counts in the breaker's not-permitted calls), and the first one after the wait moves it to half-open. The wait
 * happens inside the stage, so the route's error handler sees nothing: no redelivery attempt is used, nothing is
 * dead-lettered, and the transport's delivery is neither settled nor rejected until the call went through — the
 * consumer's worker waits for it, which is the back-pressure: the broker keeps the rest.
 * <p>
 * Any other outcome is the exchange's: success; a permanent failure; a transient failure with the breaker still
 * closed (the route's redelivery policy, then the dead-letter topic, as without a breaker); a fallback's result.
 * A held exchange whose route is stopped is not retried any more and stays unsettled, so the transport delivers
 * the event again (to this or another member) after its {@code redeliveryDelay}.
 */
public final class HeldCircuitBreaker extends DelegateAsyncProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(HeldCircuitBreaker.class);
    /** The breaker's states in which a failed call is the outage's rather than the event's. */
    static final Set<String> OUTAGE_STATES = Set.of("OPEN", "HALF_OPEN", "FORCED_OPEN");
    private static final ExchangePropertyKey[] RESPONSE_PROPERTIES = {
            ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED,
            ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_REJECTED,
            ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK,
            ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SUCCESSFUL_EXECUTION,
            ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_TIMED_OUT,
            ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_IGNORED };

    private final ResilienceProcessor breaker;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger holds = new AtomicInteger();

    HeldCircuitBreaker(ResilienceProcessor breaker, ScheduledExecutorService scheduler) {
        super(breaker);
        this.breaker = breaker;
        this.scheduler = scheduler;
    }

    /** The id of the route the breaker is in. */
    public String getRouteId() {
        return breaker.getRouteId();
    }

    /** The breaker's node id: its {@code id} in the route, else the one Camel gave it. */
    public String getBreakerId() {
        return breaker.getId();
    }

    /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN} (or another resilience4j state); {@code NOT_STARTED} before. */
    public String getState() {
        String state = breaker.getCircuitBreakerState();
        return state == null ? "NOT_STARTED" : state;
    }

    /**
     * The failure rate of the calls in the breaker's window in percent, -1 while they are fewer than its minimum
     * (resilience4j starts its window anew at each change of state).
     */
    public float getFailureRate() {
        return breaker.getCircuitBreakerState() == null ? -1 : breaker.getFailureRate();
    }

    /** The calls the breaker refused since it last changed state, held events' tries included. */
    public long getNotPermittedCalls() {
        return breaker.getCircuitBreakerState() == null ? 0 : breaker.getNumberOfNotPermittedCalls();
    }

    /** Events waiting here now for the breaker to let their call through. */
    public int getHeldEvents() {
        return held.get();
    }

    /** How many times an event was held so far (an event held again after a failed trial counts again). */
    public int getHolds() {
        return holds.get();
    }

    long pollMillis() {
        return Math.max(100, Math.min(1_000, breaker.getCircuitBreakerWaitDurationInOpenState() * 100));
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        return call(exchange, callback, false);
    }

    /**
     * Calls the breaker; true when that completed synchronously without holding. After a hold the exchange's
     * callback is told later, asynchronously.
     */
    private boolean call(Exchange exchange, AsyncCallback callback, boolean resumed) {
        for (ExchangePropertyKey property : RESPONSE_PROPERTIES) {
            exchange.removeProperty(property);
        }
        AtomicBoolean heldNow = new AtomicBoolean();
        boolean sync = processor.process(exchange, doneSync -> {
            if (mustHold(exchange, getState())) {
                heldNow.set(true);
                hold(exchange, callback, resumed);
            } else {
                if (resumed) {
                    held.decrementAndGet();
                }
                callback.done(doneSync && !resumed);
            }
        });
        return sync && !resumed && !heldNow.get();
    }

    private void hold(Exchange exchange, AsyncCallback callback, boolean alreadyHeld) {
        Exception failure = exchange.getException();
        if (!alreadyHeld) {
            held.incrementAndGet();
            holds.incrementAndGet();
            LOG.info("Circuit breaker {} of route {} is {}: holding exchange {} until it lets the call through{}",
                    getBreakerId(), getRouteId(), getState(), exchange.getExchangeId(),
                    failure == null ? "" : " (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")");
        }
        exchange.setException(null);
        exchange.removeProperty(ExchangePropertyKey.EXCEPTION_CAUGHT);
        scheduler.schedule(() -> {
            if (isRunAllowed()) {
                call(exchange, callback, true);
            } else {
                held.decrementAndGet();
                LOG.warn("Route {} stopped while exchange {} waited for circuit breaker {}; it stays unsettled and "
                        + "is delivered again", getRouteId(), exchange.getExchangeId(), getBreakerId());
            }
        }, pollMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The hold rule: whether an exchange that went through the breaker, which is {@code stateAfter} now, waits and
     * calls again instead of going on with its outcome (see the class comment).
     */
    static boolean mustHold(Exchange exchange, String stateAfter) {
        Exception failure = exchange.getException();
        if (failure == null) {
            return exchange.getProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED, false,
                    Boolean.class)
                    && !exchange.getProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK, false,
                            Boolean.class);
        }
        if (FailureClassifier.isBreakerRejection(failure)) {
            return true;
        }
        return FailureClassifier.isTransient(failure) && OUTAGE_STATES.contains(stateAfter);
    }
}
