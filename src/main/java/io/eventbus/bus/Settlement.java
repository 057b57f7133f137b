package io.eventbus.bus;

import java.time.Duration;

/**
 * How the bus settled one consumed delivery, and what the route's processing of it told on the way: what an observer
 * needs to know of an event once it is done. The bus hands it over at settlement, so nobody has to listen to Camel's
 * events for every exchange to learn it; and as only the exchange the consumer created settles, the copies a splitter,
 * multicast or wire tap make of it are never counted.
 *
 * @param outcome      how the delivery was settled
 * @param redeliveries how many times the route's error handler redelivered the event in process before it settled
 *                     (the transport's redeliveries are told by {@link BusObserver#consumed}'s delivery count)
 * @param duplicate    the route's Idempotent Consumer filtered the event as a duplicate
 *                     ({@code CamelDuplicateMessage}); only ever true for a processed event
 * @param latency      end-to-end latency, settlement minus the event's {@code published_at}, for a processed event
 *                     (a filtered one included); null for one dead-lettered or failed, which did not get through
 * @param processing   from the delivery reaching the consumer to its settlement
 */
public record Settlement(Outcome outcome, int redeliveries, boolean duplicate, Duration latency, Duration processing) {

    /** How a delivery was settled. */
    public enum Outcome {
        /** The route completed: acknowledged. */
        PROCESSED,
        /** Written to the dead-letter topic, by the route's error handler or the bus, and acknowledged. */
        DEAD_LETTERED,
        /** Rejected: the exchange failed, or its dead letter could not be written; the transport redelivers it. */
        FAILED
    }

    /** Whether the delivery was acknowledged: processed, or dead-lettered with the write confirmed. */
    public boolean acknowledged() {
        return outcome != Outcome.FAILED;
    }
}
