package io.eventbus.bus;

import java.util.List;

/**
 * Told what the bus does with events, as it does it: the seam through which meters (the {@code observability}
 * package's {@code BusMetrics}) watch the bus without the bus knowing them. A {@link BusPlugin} returns one when the
 * {@code bus} component starts.
 * <p>
 * A consumed event is told twice: when it reaches the route ({@link #consumed}) and when its delivery is settled
 * ({@link #settled}), with what its processing told. Settlement is where the bus knows how an event ended, once per
 * delivery, so an observer needs no Camel event notifier: one that wants exchange events makes Camel build them for
 * every exchange of the application.
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

    /**
     * A delivery settled: acknowledged (processed, or dead-lettered with the write confirmed) or rejected for
     * redelivery, with what its processing told. An invalid event, dead-lettered before any route, is settled as
     * {@link DeadLetterPublisher#INVALID_EVENT_TYPE}.
     */
    default void settled(ConsumerTags consumer, String eventType, Settlement settlement) {
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
            public void settled(ConsumerTags consumer, String eventType, Settlement settlement) {
                each.forEach(o -> o.settled(consumer, eventType, settlement));
            }

            @Override
            public void skipped(String topic, String group, String transport, long count) {
                each.forEach(o -> o.skipped(topic, group, transport, count));
            }
        };
    }
}
