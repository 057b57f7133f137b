package io.eventbus.transport;

/**
 * A permanent failure: retrying cannot help (bad data, a rule the event breaks). The bus's error handling sends
 * the event to its dead-letter topic at once, without redelivery.
 */
public class FatalException extends RuntimeException {

    public FatalException(String message) {
        super(message);
    }

    public FatalException(String message, Throwable cause) {
        super(message, cause);
    }
}
