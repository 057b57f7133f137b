package io.eventbus.bus;

import java.util.List;

/**
 * Told what the bus does with events, as it does it: the seam through which meters (the {@code observability}
 * package's {@code BusMetrics}) watch the bus without the bus knowing them. A {@link BusPlugin} returns one when the
 * {@code bus} component starts.
 * <p>
 * Calls come on the threads doing the work (a route's, a transport's confirmation or consumer thread), once per
 * event and outcome, so an observer must be thread-safe, cheap and must not block or throw. Every method does
 * nothing unless overridden.
 */
public interface BusObserver {

    /** The observer of a bus nobody watches. */
    BusObserver NONE = new BusObserver() {
    };

    /** An event the transport confirmed. */
    default void published(String topic, String eventType, String transport) {
    }

    /**
     * An event no topic wanted: sent to a routing table's unroutable topic ({@code reason} {@code routing_table}),
     * or returned by the broker ({@code broker}).
     */
    default void unroutable(String topic, String eventType, String reason) {
    }

    /** A dead letter written for an event of the topic, whichever path wrote it, at the stage that failed. */
    default void deadLettered(String topic, String eventType, String transport, String stage) {
    }

    /** A valid event handed to a consumer's route; a delivery count above 1 means the transport redelivered it. */
    default void consumed(ConsumerTags consumer, String eventType, int deliveryCount) {
    }

    /** A delivery acknowledged: processed, or dead-lettered with the write confirmed. */
    default void acknowledged(ConsumerTags consumer, String eventType) {
    }

    /** A delivery rejected because its exchange failed: the transport redelivers it. */
    default void failed(ConsumerTags consumer, String eventType) {
    }

    /** {@code count} events of the topic the group never received: the broker deleted them before it read them. */
    default void skipped(String topic, String group, String transport, long count) {
    }

    /** One observer telling each of these, in order. */
    static BusObserver all(List<BusObserver> observers) {
        List<BusObserver> each = List.copyOf(observers);
        if (each.isEmpty()) {
            return NONE;
        }
        if (each.size() == 1) {
            return each.get(0);
        }
        return new BusObserver() {
            @Override
            public void published(String topic, String eventType, String transport) {
                each.forEach(o -> o.published(topic, eventType, transport));
            }

            @Override
            public void unroutable(String topic, String eventType, String reason) {
                each.forEach(o -> o.unroutable(topic, eventType, reason));
            }

            @Override
            public void deadLettered(String topic, String eventType, String transport, String stage) {
                each.forEach(o -> o.deadLettered(topic, eventType, transport, stage));
            }

            @Override
            public void consumed(ConsumerTags consumer, String eventType, int deliveryCount) {
                each.forEach(o -> o.consumed(consumer, eventType, deliveryCount));
            }

            @Override
            public void acknowledged(ConsumerTags consumer, String eventType) {
                each.forEach(o -> o.acknowledged(consumer, eventType));
            }

            @Override
            public void failed(ConsumerTags consumer, String eventType) {
                each.forEach(o -> o.failed(consumer, eventType));
            }

            @Override
            public void skipped(String topic, String group, String transport, long count) {
                each.forEach(o -> o.skipped(topic, group, transport, count));
            }
        };
    }
}
