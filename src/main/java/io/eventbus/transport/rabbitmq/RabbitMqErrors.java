package io.eventbus.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/** The broker's own words for a failure, dug out of the wrappers Spring AMQP and the client put around them. */
final class RabbitMqErrors {

    private RabbitMqErrors() {
    }

    /** The innermost informative message: a channel or connection error's reply text when there is one. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException shutdown) {
                if (shutdown.getReason() instanceof AMQP.Channel.Close close) {
                    return close.getReplyText();
                }
                if (shutdown.getReason() instanceof AMQP.Connection.Close close) {
                    return close.getReplyText();
                }
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message != null ? message : failure.getClass().getSimpleName();
    }
}
