package io.eventbus.bus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;

import org.apache.camel.Message;

import io.eventbus.transport.FatalException;

/**
 * When a published event becomes due: the {@code EventbusDeliverAt} header (epoch milliseconds, an ISO-8601 instant,
 * an {@link Instant} or a {@link Date}), else now plus the {@code EventbusDelay} header (milliseconds), else now plus
 * the endpoint's {@code delay} option. A header wins over the option, so that one endpoint can publish some events
 * at once and others later. A value that cannot be read fails the publish with a message naming the header: a delay
 * silently dropped would deliver the event early, the one thing a delay promises not to do.
 */
final class DeliveryDelay {

    private DeliveryDelay() {
    }

    /**
     * The due time in epoch milliseconds, or 0 when the event is due now (no delay, a zero delay, or a due time
     * already past).
     */
    static long dueAt(Message in, long endpointDelayMillis, long nowMillis) {
        Object deliverAt = in.getHeader(BusConstants.DELIVER_AT);
        long due;
        if (deliverAt != null) {
            due = epochMillis(deliverAt);
        } else {
            Object delay = in.getHeader(BusConstants.DELAY);
            long millis = delay != null ? delayMillis(delay) : endpointDelayMillis;
            due = millis > 0 ? nowMillis + millis : 0;
        }
        return due > nowMillis ? due : 0;
    }

    private static long delayMillis(Object value) {
        long millis;
        try {
            millis = value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new FatalException("header " + BusConstants.DELAY + ": \"" + value
                    + "\" is not a whole number of milliseconds");
        }
        if (millis < 0) {
            throw new FatalException("header " + BusConstants.DELAY + " must be >= 0 milliseconds but was "
                    + millis);
        }
        return millis;
    }

    private static long epochMillis(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof Date date) {
            return date.getTime();
        }
        String text = value.toString().trim();
        try {
            return text.matches("-?\\d{1,19}") ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new FatalException("header " + BusConstants.DELIVER_AT + ": \"" + text + "\" is neither "
                    + "epoch milliseconds nor an ISO-8601 instant such as 2026-01-05T10:15:30Z");
        }
    }
}
