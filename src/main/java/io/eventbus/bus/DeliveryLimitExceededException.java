package io.eventbus.bus;

import io.eventbus.transport.FatalException;

/**
 * An event the transport delivered more often than the endpoint's {@code maxDeliveries}: every attempt failed
 * without the route dead-lettering it (no error handler, or the dead-letter write itself failing). The bus
 * dead-letters it rather than let a poison event circulate forever.
 */
public class DeliveryLimitExceededException extends FatalException {

    public DeliveryLimitExceededException(String message) {
        super(message);
    }
}
