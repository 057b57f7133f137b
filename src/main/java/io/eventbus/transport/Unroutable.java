package io.eventbus.transport;

/**
 * Marks the exception a transport fails a publish with when the broker returned the event because no queue was
 * bound to receive it (RabbitMQ's {@code mandatory} return), so that the bus counts it as unroutable.
 */
public interface Unroutable {
}
