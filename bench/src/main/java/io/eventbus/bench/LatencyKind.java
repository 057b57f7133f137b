package io.eventbus.bench;

/**
 * What a row's latency figures measure. Rows are compared on latency only when they measure the same thing: Kafka's
 * ProducerPerformance only knows when the broker acknowledged a send, the rows written here know when the consumer
 * processed the event.
 */
public enum LatencyKind {

    /** From the publish call to the end of the consumer's processing of the event (before its ack or commit). */
    END_TO_END("publish to processing"),
    /** From the send to the broker's acknowledgement of it: the publish half only. */
    SEND_TO_ACK("send to broker ack");

    private final String description;

    LatencyKind(String description) {
        this.description = description;
    }

    /** A few words for the report's latency column. */
    public String description() {
        return description;
    }
}
