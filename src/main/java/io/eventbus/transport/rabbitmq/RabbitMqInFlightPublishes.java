package io.eventbus.transport.rabbitmq;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The publishes awaiting RabbitMQ's answer, {@code max-in-flight} at most. A publish takes a place before it goes
 * out and frees it when it is settled: confirmed, returned, nacked, or timed out. A publish finding no free place
 * waits for one, until its own deadline: the bound holds the transport's memory and the broker's unconfirmed
 * messages to what the application chose, and slows a publisher down to the broker's pace instead of queueing
 * without end.
 * <p>
 * Settling is idempotent, so that the confirm, the timeout and the transport's close may race for one publish: the
 * first settles it and frees its place, the others learn it was settled already.
 */
final class RabbitMqInFlightPublishes {

    private final int limit;
    private final Semaphore places;
    private final Set<RabbitMqPendingPublish> pending = ConcurrentHashMap.newKeySet();

    RabbitMqInFlightPublishes(int limit) {
        this.limit = limit;
        this.places = new Semaphore(limit);
    }

    /**
     * Takes a place for the publish, waiting for one to come free until the publish's deadline. False when none did:
     * the publish must not go out.
     */
    boolean admit(RabbitMqPendingPublish publish) throws InterruptedException {
        if (!places.tryAcquire(Math.max(0, publish.deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        pending.add(publish);
        return true;
    }

    /** Frees the publish's place. True for the first call only, which is the one that tells the publish's outcome. */
    boolean settle(RabbitMqPendingPublish publish) {
        if (!pending.remove(publish)) {
            return false;
        }
        places.release();
        return true;
    }

    /** Whether the publish has been settled (a retry of it then has nothing left to do). */
    boolean isSettled(RabbitMqPendingPublish publish) {
        return !pending.contains(publish);
    }

    /** The publishes whose deadline has passed at {@code nanoTime} and that are not settled yet. */
    List<RabbitMqPendingPublish> expiredAt(long nanoTime) {
        return pending.stream().filter(p -> p.expiredAt(nanoTime)).toList();
    }

    /** The publishes not settled yet. */
    List<RabbitMqPendingPublish> unsettled() {
        return List.copyOf(pending);
    }

    /** Publishes holding a place now. */
    int size() {
        return pending.size();
    }

    /** {@code max-in-flight}. */
    int limit() {
        return limit;
    }
}
