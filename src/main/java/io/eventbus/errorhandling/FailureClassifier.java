package io.eventbus.errorhandling;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    public static boolean isTransient(Throwable failure) {
        boolean transientSeen = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FatalException || t instanceof JsonProcessingException) {
                return false;
            }
            if (t instanceof RetryableException || t instanceof TimeoutException || t instanceof ExchangeTimedOutException
                    || t instanceof IOException || t instanceof UncheckedIOException) {
                transientSeen = true;
            }
        }
        return transientSeen;
    }
}
