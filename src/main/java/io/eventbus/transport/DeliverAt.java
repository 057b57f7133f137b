package io.eventbus.transport;

/**
 * The due time of a delayed message: the {@code deliver_at} header of an {@link OutboundMessage}, epoch milliseconds,
 * which the bus sets when a route asks for a delay ({@code bus:T?delay=5000}, headers {@code EventbusDelay} or
 * {@code EventbusDeliverAt}) and the due time is still ahead. A transport that sees it must hand the message to no
 * consumer before that time, and must keep it, due time included, across restarts of the application and of its
 * broker as it keeps any published message; the header travels with the message (Kafka record header, AMQP header,
 * Redis entry field) so that whoever moves it when due, in any process, knows when that is.
 * <p>
 * A message without the header, or whose due time has passed, is published at once as before.
 */
public final class DeliverAt {

    /** The header carrying the due time, epoch milliseconds. */
    public static final String HEADER = "deliver_at";

    private DeliverAt() {
    }

    /** The message's due time in epoch milliseconds, or 0 when it has none (or an unreadable one). */
    public static long of(OutboundMessage message) {
        String value = message.headers().get(HEADER);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException notOurs) {
            return 0;
        }
    }

    /** Milliseconds until the message is due at {@code nowMillis}; 0 or less when it is due (or not delayed). */
    public static long remainingMillis(OutboundMessage message, long nowMillis) {
        long due = of(message);
        return due == 0 ? 0 : due - nowMillis;
    }
}
