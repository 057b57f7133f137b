package io.eventbus.errorhandling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.ExchangeTimedOutException;

import io.eventbus.transport.FatalException;
import io.eventbus.transport.RetryableException;

/**
 * Tells transient failures, worth redelivering, from permanent ones, which go to the dead-letter topic at once.
 * <p>
 * Transient: {@link RetryableException}, timeouts ({@link TimeoutException}, {@link ExchangeTimedOutException}) and
 * I/O errors such as a refused connection — anywhere in the cause chain. Permanent: {@link FatalException}
 * (including invalid envelopes) and everything else, data errors like a malformed JSON document included
 * ({@link JsonProcessingException} is an {@code IOException} but retrying cannot fix it). A permanent verdict
 * anywhere in the chain wins, so wrapping a fatal error does not make it retryable.
 * <p>
 * A circuit breaker refusing the call ({@link #isBreakerRejection}) is transient too: the dependency behind it is
 * out, not the event. Where the bus holds the event instead ({@link CircuitBreakerHold}) such a refusal never reaches
 * the error handler; elsewhere it is redelivered like any transient failure rather than dead-lettered at once.
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    /**
     * Resilience4j's exceptions for a call it did not let through: its breaker open (or half-open with no trial call
     * left), or its bulkhead full.
     */
    static final Set<String> REJECTIONS = Set.of("io.github.resilience4j.circuitbreaker.CallNotPermittedException",
            "io.github.resilience4j.bulkhead.BulkheadFullException");

    public static boolean isTransient(Throwable failure) {
        boolean transientSeen = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FatalException || t instanceof JsonProcessingException) {
                return false;
            }
            if (t instanceof RetryableException || t instanceof TimeoutException || t instanceof ExchangeTimedOutException
                    || t instanceof IOException || t instanceof UncheckedIOException || isRejection(t)) {
                transientSeen = true;
            }
        }
        return transientSeen;
    }

    /**
     * Whether a circuit breaker refused the call, anywhere in the cause chain: resilience4j's
     * {@code CallNotPermittedException} (or {@code BulkheadFullException}), told by class name so the bus needs
     * resilience4j only where a route uses it.
     */
    public static boolean isBreakerRejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isRejection(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRejection(Throwable t) {
        for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
            if (REJECTIONS.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }
}
