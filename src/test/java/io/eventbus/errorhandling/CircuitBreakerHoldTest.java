package io.eventbus.errorhandling;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.FatalException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classification of a breaker's refusal and the hold rule of {@link HeldCircuitBreaker}. */
class CircuitBreakerHoldTest {

    private static final CallNotPermittedException NOT_PERMITTED = CallNotPermittedException
            .createCallNotPermittedException(openBreaker());

    private static CircuitBreaker openBreaker() {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("dependency");
        breaker.transitionToOpenState();
        return breaker;
    }

    @Test
    void aBreakersRefusalIsTransientAnywhereInTheChain() {
        assertTrue(FailureClassifier.isBreakerRejection(NOT_PERMITTED));
        assertTrue(FailureClassifier.isBreakerRejection(new IllegalStateException("wrapped", NOT_PERMITTED)));
        assertTrue(FailureClassifier.isBreakerRejection(
                BulkheadFullException.createBulkheadFullException(Bulkhead.ofDefaults("b"))));
        assertTrue(FailureClassifier.isTransient(new RuntimeException(NOT_PERMITTED)),
                "redelivered, not dead-lettered at once, where the bus does not hold it");
        assertFalse(FailureClassifier.isBreakerRejection(new IOException("connection refused")));
        assertFalse(FailureClassifier.isBreakerRejection(new IllegalStateException("bug")));
        assertFalse(FailureClassifier.isTransient(new FatalException("bad data", NOT_PERMITTED)),
                "a permanent verdict in the chain still wins");
    }

    @Test
    void aRefusedCallIsHeldWhateverTheState() {
        assertTrue(HeldCircuitBreaker.mustHold(failedWith(NOT_PERMITTED), "OPEN"));
        assertTrue(HeldCircuitBreaker.mustHold(failedWith(NOT_PERMITTED), "HALF_OPEN"));
        assertTrue(HeldCircuitBreaker.mustHold(failedWith(NOT_PERMITTED), "CLOSED"));
    }

    @Test
    void aShortCircuitWithoutExceptionOrFallbackIsHeld() {
        // throwExceptionWhenHalfOpenOrOpenState=false, Camel's default: no exception, only the properties
        Exchange refused = exchange();
        refused.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED, true);
        refused.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_REJECTED, true);
        refused.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK, false);
        assertTrue(HeldCircuitBreaker.mustHold(refused, "OPEN"));

        Exchange fallback = exchange();
        fallback.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED, true);
        fallback.setProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_FROM_FALLBACK, true);
        assertFalse(HeldCircuitBreaker.mustHold(fallback, "OPEN"), "the route's fallback answered");

        assertFalse(HeldCircuitBreaker.mustHold(exchange(), "CLOSED"), "a success goes on");
        assertFalse(HeldCircuitBreaker.mustHold(exchange(), "OPEN"), "a success goes on, even as the breaker opens");
    }

    @Test
    void aTransientFailureIsTheOutagesWhenTheBreakerIsNotClosedAfterIt() {
        assertTrue(HeldCircuitBreaker.mustHold(failedWith(new IOException("refused")), "OPEN"),
                "the failure that opened the breaker, or a failed half-open trial");
        assertTrue(HeldCircuitBreaker.mustHold(failedWith(new TimeoutException()), "HALF_OPEN"));
        assertTrue(HeldCircuitBreaker.mustHold(failedWith(new IOException("refused")), "FORCED_OPEN"));
        assertFalse(HeldCircuitBreaker.mustHold(failedWith(new IOException("refused")), "CLOSED"),
                "a failure while the breaker stays closed is an attempt: the route's redelivery policy");
        assertFalse(HeldCircuitBreaker.mustHold(failedWith(new IOException("refused")), "DISABLED"));
    }

    @Test
    void aPermanentFailureIsNeverHeld() {
        assertFalse(HeldCircuitBreaker.mustHold(failedWith(new FatalException("bad data")), "OPEN"));
        assertFalse(HeldCircuitBreaker.mustHold(failedWith(new IllegalArgumentException("bug")), "HALF_OPEN"));
        assertFalse(HeldCircuitBreaker.mustHold(failedWith(new FatalException("bad data")), "CLOSED"));
    }

    private static Exchange failedWith(Exception failure) {
        Exchange exchange = exchange();
        exchange.setException(failure);
        return exchange;
    }

    private static Exchange exchange() {
        return new DefaultExchange(new DefaultCamelContext());
    }
}
