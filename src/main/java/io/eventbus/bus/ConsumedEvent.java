package io.eventbus.bus;

import io.eventbus.envelope.Envelope;
import io.eventbus.wireformat.TopicFormat;

/**
 * What the bus remembers, on the exchange, of the event a route is processing: enough to stamp lineage on the
 * events the route publishes ({@code parent_event_id}, {@code trace_id}, {@code request_id}) and to dead-letter
 * the event exactly as it arrived, whatever the stages did to the body. The wire bytes are kept rather than a deep
 * copy of the envelope: re-reading them is only paid on the rare dead-letter path.
 *
 * @param topic      the topic it was consumed from
 * @param eventId    its {@code event_id}
 * @param eventType  its {@code event_type}
 * @param publishedAt its {@code published_at}, for end-to-end latency
 * @param traceId    its {@code trace_id}, or null
 * @param requestId  its {@code request_id}, or null
 * @param retryCount its {@code retry_count} including the transport's earlier failed deliveries
 * @param raw        the message bytes as delivered, in the topic's wire format
 */
public record ConsumedEvent(String topic, String eventId, String eventType, String publishedAt, String traceId,
        String requestId, int retryCount, byte[] raw) {

    static ConsumedEvent of(String topic, Envelope envelope, byte[] raw) {
        return new ConsumedEvent(topic, envelope.getEventId(), envelope.getEventType(), envelope.getPublishedAt(),
                envelope.getTraceId(), envelope.getRequestId(), envelope.getRetryCount(), raw);
    }

    /**
     * The envelope as it was consumed (read in the topic's wire format), with the retry count the bus gave it; its
     * id and time are those it was given then, which a mapping that fills them would not give it again.
     */
    public Envelope original(TopicFormat format) {
        return format.decode(raw).setRetryCount(retryCount).setEventId(eventId).setPublishedAt(publishedAt);
    }
}
