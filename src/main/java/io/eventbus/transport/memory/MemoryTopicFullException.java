package io.eventbus.transport.memory;

import io.eventbus.transport.RetryableException;

/**
 * A publish to an in-memory topic waited for room longer than the publish timeout: a consumer group is not keeping
 * up. Retryable: the publishing route may redeliver once consumers have caught up.
 */
public class MemoryTopicFullException extends RetryableException {

    public MemoryTopicFullException(String message) {
        super(message);
    }
}
