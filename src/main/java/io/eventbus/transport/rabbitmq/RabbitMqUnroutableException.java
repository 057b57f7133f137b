package io.eventbus.transport.rabbitmq;

import io.eventbus.transport.FatalException;
import io.eventbus.transport.Unroutable;

/**
 * RabbitMQ returned a mandatory publish: no queue is bound to the topic's exchange for its routing key, so the
 * event would be lost. Permanent until a consumer group (or a configured queue and binding) exists for the topic.
 */
public class RabbitMqUnroutableException extends FatalException implements Unroutable {

    public RabbitMqUnroutableException(String message) {
        super(message);
    }
}
