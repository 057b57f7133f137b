package io.eventbus.transport;

/**
 * A transient failure (a timeout, a service briefly unavailable, a rate limit): the bus redelivers the event
 * with exponential backoff and jitter, and dead-letters it only when the redeliveries are exhausted.
 */
public class RetryableException extends RuntimeException {

    public RetryableException(String message) {
        super(message);
    }

    public RetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
