package io.eventbus.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

    /**
     * Up to {@code count} entries, newest first, starting with the one just older than the cursor {@code before}
     * (null: the newest). A store whose broker can address entries (stream ids, offsets) reads only those entries;
     * this default, for a broker that cannot (a RabbitMQ queue offers no way to read a message without taking it
     * from the head), browses the oldest {@code browseLimit} entries and cuts the page out of them. Reads only:
     * nothing is acknowledged or moved.
     *
     * @throws IllegalArgumentException when the broker has no such topic, or the cursor is not one of this store's
     */
    default DeadLetterSlice newest(String deadLetterTopic, String before, int count, int browseLimit)
            throws Exception {
        try (DeadLetterBrowse browse = browse(deadLetterTopic, browseLimit)) {
            List<StoredDeadLetter> entries = new ArrayList<>(browse.entries());
            Collections.reverse(entries);
            int from = 0;
            if (before != null) {
                while (from < entries.size() && !entries.get(from).position().equals(before)) {
                    from++;
                }
                from++;
            }
            List<DeadLetterSlice.Item> items = new ArrayList<>();
            for (int i = from; i < entries.size() && items.size() < count; i++) {
                items.add(new DeadLetterSlice.Item(entries.get(i), entries.get(i).position()));
            }
            boolean more = from + items.size() < entries.size();
            return new DeadLetterSlice(items, more, browse.truncated() ? null : (long) entries.size());
        }
    }
}
