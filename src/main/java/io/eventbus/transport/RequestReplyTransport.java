package io.eventbus.transport;

import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * An optional capability of a {@link Transport}: request-reply. A {@code bus:} producer whose exchange is
 * {@code InOut} publishes its event as a request and waits for one reply; a {@code bus:} consumer that receives a
 * request (a delivery whose headers carry {@link #REPLY_TO}) runs its route as usual and sends the route's result
 * back as the reply, before acknowledging the request.
 * <p>
 * Replies are not events on a topic: they go to the requester alone, are not persisted, and a reply whose
 * requester has given up is dropped. A transport without this capability makes an {@code InOut} publish fail with
 * "transport X does not support request-reply".
 */
public interface RequestReplyTransport {

    /** Delivery header naming where the reply goes; present only on requests. */
    String REPLY_TO = "reply_to";
    /** Delivery and message header matching a reply to its request (the envelope's {@code correlation_id}). */
    String CORRELATION_ID = "correlation_id";

    /**
     * Publishes the request to the topic and waits for its reply.
     *
     * @param request       the encoded request; its {@link #CORRELATION_ID} header identifies it among the
     *                      caller's outstanding requests
     * @param timeoutMillis how long to wait for the reply
     * @return the reply's body (an encoded envelope, not yet validated)
     * @throws TimeoutException when no reply came in time; the request may still be processed later
     * @throws Exception        when the request could not be published (refused, unroutable, no connection)
     */
    byte[] request(String topic, OutboundMessage request, long timeoutMillis) throws Exception;

    /**
     * Sends the reply to a request, addressed by the request delivery's headers ({@link #REPLY_TO},
     * {@link #CORRELATION_ID}). Returns once sent; a requester that is gone is not an error.
     */
    void reply(Map<String, String> requestHeaders, OutboundMessage reply) throws Exception;
}
