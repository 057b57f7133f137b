package io.eventbus.transport.rabbitmq;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/** The broker's own words for a failure, dug out of the wrappers Spring AMQP and the client put around them. */
final class RabbitMqErrors {

    /** The broker's words in a channel or connection close as the client prints it. */
    private static final Pattern REPLY_TEXT = Pattern.compile("reply-text=(.*), class-id=");

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

    /**
     * The reply text of a channel or connection close as the client prints it ({@code channel error; protocol
     * method: #method<channel.close>(reply-code=404, reply-text=NOT_FOUND - no exchange 'x' in vhost '/', ...)}),
     * or the whole description when it is not one.
     */
    static String replyTextOf(String closeDescription) {
        Matcher text = REPLY_TEXT.matcher(closeDescription);
        return text.find() ? text.group(1) : closeDescription;
    }

    /** Whether the broker closed the channel because the exchange does not exist. */
    static boolean isMissingExchange(String closeDescription, String exchange) {
        return closeDescription.contains("NOT_FOUND - no exchange '" + exchange + "'");
    }
}
