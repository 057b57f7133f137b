package io.eventbus.bus;

import java.time.Instant;
import java.util.Date;

import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.FatalException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeliveryDelayTest {

    private static final long NOW = 1_767_607_200_000L;

    private static Message message() {
        return new DefaultMessage(new DefaultCamelContext());
    }

    @Test
    void theEndpointsDelayAppliesWhenNoHeaderAsks() {
        assertEquals(NOW + 5000, DeliveryDelay.dueAt(message(), 5000, NOW));
        assertEquals(0, DeliveryDelay.dueAt(message(), 0, NOW), "no delay: due now");
    }

    @Test
    void aHeaderWinsOverTheOptionAndDeliverAtOverDelay() {
        Message in = message();
        in.setHeader(BusConstants.DELAY, "250");
        assertEquals(NOW + 250, DeliveryDelay.dueAt(in, 5000, NOW));
        in.setHeader(BusConstants.DELIVER_AT, NOW + 9000);
        assertEquals(NOW + 9000, DeliveryDelay.dueAt(in, 5000, NOW));
        in.setHeader(BusConstants.DELAY, 0);
        in.removeHeader(BusConstants.DELIVER_AT);
        assertEquals(0, DeliveryDelay.dueAt(in, 5000, NOW), "EventbusDelay 0 publishes at once despite the option");
    }

    @Test
    void deliverAtTakesEpochMillisIsoInstantsInstantsAndDates() {
        Instant at = Instant.ofEpochMilli(NOW + 1234);
        for (Object value : new Object[] { NOW + 1234, String.valueOf(NOW + 1234), at.toString(), at,
                Date.from(at) }) {
            Message in = message();
            in.setHeader(BusConstants.DELIVER_AT, value);
            assertEquals(NOW + 1234, DeliveryDelay.dueAt(in, 0, NOW), "EventbusDeliverAt " + value);
        }
    }

    @Test
    void aDueTimeAlreadyPastPublishesAtOnce() {
        Message in = message();
        in.setHeader(BusConstants.DELIVER_AT, "2020-01-01T00:00:00Z");
        assertEquals(0, DeliveryDelay.dueAt(in, 0, NOW));
    }

    @Test
    void anUnreadableValueIsRefusedNamingTheHeader() {
        Message in = message();
        in.setHeader(BusConstants.DELIVER_AT, "tomorrow");
        assertEquals("header EventbusDeliverAt: \"tomorrow\" is neither epoch milliseconds nor an ISO-8601 instant "
                + "such as 2026-01-05T10:15:30Z",
                assertThrows(FatalException.class, () -> DeliveryDelay.dueAt(in, 0, NOW)).getMessage());
        Message negative = message();
        negative.setHeader(BusConstants.DELAY, -5);
        assertEquals("header EventbusDelay must be >= 0 milliseconds but was -5",
                assertThrows(FatalException.class, () -> DeliveryDelay.dueAt(negative, 0, NOW)).getMessage());
        Message words = message();
        words.setHeader(BusConstants.DELAY, "soon");
        assertEquals("header EventbusDelay: \"soon\" is not a whole number of milliseconds",
                assertThrows(FatalException.class, () -> DeliveryDelay.dueAt(words, 0, NOW)).getMessage());
    }
}
