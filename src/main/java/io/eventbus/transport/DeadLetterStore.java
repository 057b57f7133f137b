package io.eventbus.transport;

/**
 * The broker side of dead-letter management, implemented by each transport that can read its dead-letter topics
 * without consuming them ({@link Transport#deadLetterStore()}): Redis by {@code XRANGE}/{@code XDEL}, Kafka by
 * offsets with a companion topic of settled records, RabbitMQ by {@code basic.get} without acknowledgement on a
 * connection of its own, the in-memory transport by reading its topic log.
 * <p>
 * Contract: a browse never acknowledges, consumes or reorders what it reads; only {@link DeadLetterBrowse#remove}
 * takes an entry out, and callers call it only after the entry's replacement (a replay, a parked copy) was
 * confirmed by the broker, or for a purge.
 */
public interface DeadLetterStore {

    /**
     * Opens a browse of a dead-letter topic holding its first {@code limit} entries, oldest first. The caller closes
     * it; closing leaves every entry it did not remove exactly where it was.
     *
     * @throws IllegalArgumentException when the broker has no such topic (nothing was ever dead-lettered there)
     */
    DeadLetterBrowse browse(String deadLetterTopic, int limit) throws Exception;
}
