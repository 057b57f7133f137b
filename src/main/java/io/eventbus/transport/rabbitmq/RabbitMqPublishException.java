package io.eventbus.transport.rabbitmq;

import io.eventbus.transport.RetryableException;

/**
 * RabbitMQ did not confirm a publish: it nacked it, did not answer within the publish timeout, or could not be
 * reached. Retryable; the message may or may not have been enqueued, so a retry can duplicate it (consumers
 * deduplicate by {@code event_id}).
 */
public class RabbitMqPublishException extends RetryableException {

    public RabbitMqPublishException(String message) {
        super(message);
    }

    public RabbitMqPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
