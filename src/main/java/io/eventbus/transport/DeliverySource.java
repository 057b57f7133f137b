package io.eventbus.transport;

import java.util.concurrent.TimeUnit;

/**
 * Where a transport's {@link DeliveryWorkers} take their next delivery from: the broker-specific part of consuming
 * (the in-memory group's cursor and pending list, the entries a Redis reader fetched, a Kafka member's fetched and
 * rejected records).
 * <p>
 * Called by every worker at once, each time it is free; each delivery returned goes to that worker alone.
 */
@FunctionalInterface
public interface DeliverySource {

    /**
     * The next delivery, waiting up to the timeout for one; null when none came in time, or when what came turned
     * out to need no delivery (the worker asks again at once). The worker only stops between calls, so a source
     * must return within about the timeout.
     */
    SettlingDelivery next(long timeout, TimeUnit unit) throws InterruptedException;
}
