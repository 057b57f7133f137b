package io.eventbus.transport;

import java.util.Map;

/**
 * One delivery of an event to a consumer. Settle it exactly once: {@link #ack()} when the work (or the
 * dead-letter write) is done, {@link #reject()} to have it redelivered. Settling twice is ignored.
 * <p>
 * A transport's deliveries extend {@link SettlingDelivery}, which keeps that promise for all of them.
 */
public interface Delivery {

    /** The transport's id of this message (stream entry id, offset, delivery tag), for logs. */
    String id();

    /** The envelope as the broker holds it: UTF-8 JSON, not yet validated. */
    byte[] body();

    /** The transport headers, possibly empty: a message published by a plain client has none. */
    Map<String, String> headers();

    /** One transport header, or null; a transport that decodes headers lazily reads only this one. */
    default String header(String name) {
        return headers().get(name);
    }

    /** How many times this event has been delivered to this group, 1 on the first delivery. */
    int deliveryCount();

    /** Done: the transport forgets the message for this group. */
    void ack();

    /** Failed: the message becomes deliverable again after the binding's redelivery delay. */
    void reject();
}
