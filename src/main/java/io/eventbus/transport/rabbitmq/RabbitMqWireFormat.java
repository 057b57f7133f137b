package io.eventbus.transport.rabbitmq;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RequestReplyTransport;

/**
 * The bus's messages as AMQP 0-9-1 messages, so that any RabbitMQ client interoperates: the body is the envelope
 * as UTF-8 JSON ({@code content_type application/json}), persistent; the properties {@code message_id} =
 * {@code event_id}, {@code type} = {@code event_type}, {@code correlation_id}, {@code timestamp} (publish time,
 * seconds); the headers {@code trace_id}, {@code schema_version} and {@code traceparent} mirror the envelope. The
 * body is the truth: a message without any of these is still consumed.
 */
final class RabbitMqWireFormat {

    /** Header counting the times the bus re-published a rejected message to the group (see REPUBLISH). */
    static final String REDELIVERIES_HEADER = "eventbus_redeliveries";
    /** Header a quorum queue sets on a message it delivers again: earlier deliveries returned to the queue. */
    static final String QUORUM_DELIVERY_COUNT_HEADER = "x-delivery-count";

    private static final Set<String> MIRRORED_HEADERS = Set.of("trace_id", "schema_version", "traceparent",
            DeliverAt.HEADER);
    /** Headers the broker or Spring AMQP add for their own bookkeeping; never copied into a re-published message. */
    private static final Set<String> BOOKKEEPING_HEADERS = Set.of("x-death", "x-first-death-exchange",
            "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
            "x-last-death-reason", QUORUM_DELIVERY_COUNT_HEADER, "spring_listener_return_correlation",
            "spring_returned_message_correlation");

    private RabbitMqWireFormat() {
    }

    /** The AMQP message of a bus message; {@code defaultTtlMillis} > 0 sets an expiration unless it has one. */
    static Message toAmqp(OutboundMessage message, long defaultTtlMillis) {
        String ttl = message.headers().get("ttl_ms");
        return toAmqp(message, ttl == null && defaultTtlMillis > 0 ? String.valueOf(defaultTtlMillis) : ttl);
    }

    /** The AMQP message of a bus message that never expires, whatever time to live it asks for. */
    static Message toNeverExpiringAmqp(OutboundMessage message) {
        return toAmqp(message, (String) null);
    }

    /** @param expiration the AMQP expiration in ms, or null for none */
    private static Message toAmqp(OutboundMessage message, String expiration) {
        Map<String, String> headers = message.headers();
        MessageProperties properties = new MessageProperties();
        properties.setContentType(headers.getOrDefault("content_type", MessageProperties.CONTENT_TYPE_JSON));
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(headers.get("event_id"));
        properties.setType(headers.get("event_type"));
        properties.setCorrelationId(headers.get(RequestReplyTransport.CORRELATION_ID));
        properties.setTimestamp(new Date());
        for (String mirrored : MIRRORED_HEADERS) {
            if (headers.get(mirrored) != null) {
                properties.setHeader(mirrored, headers.get(mirrored));
            }
        }
        if (headers.get("priority") != null) {
            properties.setPriority(Integer.parseInt(headers.get("priority")));
        }
        if (expiration != null) {
            properties.setExpiration(expiration);
        }
        return new Message(message.body(), properties);
    }

    /** The headers a consumer sees: the mirrored properties and the message's string headers. */
    static Map<String, String> headersOf(MessageProperties properties) {
        Map<String, String> headers = new LinkedHashMap<>();
        properties.getHeaders().forEach((name, value) -> {
            if (value != null && !BOOKKEEPING_HEADERS.contains(name)) {
                headers.put(name, value.toString());
            }
        });
        putIfPresent(headers, "content_type", properties.getContentType());
        putIfPresent(headers, "event_id", properties.getMessageId());
        putIfPresent(headers, "event_type", properties.getType());
        putIfPresent(headers, RequestReplyTransport.CORRELATION_ID, properties.getCorrelationId());
        putIfPresent(headers, RequestReplyTransport.REPLY_TO, properties.getReplyTo());
        return headers;
    }

    /**
     * A persistent copy of a delivered message to publish again, with the bus's redelivery count and, when
     * {@code expirationMillis} > 0, an expiration (the retry queue's delay); the broker's bookkeeping headers are
     * dropped.
     */
    static Message copyForRedelivery(Message delivered, int redeliveries, long expirationMillis) {
        MessageProperties in = delivered.getMessageProperties();
        MessageProperties out = new MessageProperties();
        out.setContentType(in.getContentType());
        out.setContentEncoding(in.getContentEncoding());
        out.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        out.setMessageId(in.getMessageId());
        out.setType(in.getType());
        out.setCorrelationId(in.getCorrelationId());
        out.setReplyTo(in.getReplyTo());
        out.setTimestamp(in.getTimestamp());
        out.setPriority(in.getPriority());
        out.setAppId(in.getAppId());
        in.getHeaders().forEach((name, value) -> {
            if (!BOOKKEEPING_HEADERS.contains(name)) {
                out.setHeader(name, value);
            }
        });
        out.setHeader(REDELIVERIES_HEADER, redeliveries);
        if (expirationMillis > 0) {
            out.setExpiration(String.valueOf(expirationMillis));
        }
        return new Message(delivered.getBody(), out);
    }

    /** An integer header, 0 when absent or not a number. */
    static int intHeader(MessageProperties properties, String name) {
        Object value = properties.getHeaders().get(name);
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value != null) {
            try {
                return Integer.parseInt(value.toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static void putIfPresent(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }
}
