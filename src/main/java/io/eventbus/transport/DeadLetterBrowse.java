package io.eventbus.transport;

import java.util.List;

/**
 * An open, read-only view of one dead-letter topic, from {@link DeadLetterStore#browse}. Not thread-safe: one
 * caller reads, removes and closes it.
 */
public interface DeadLetterBrowse extends AutoCloseable {

    /** The entries read, oldest first, in the broker's order; removed ones excluded. */
    List<StoredDeadLetter> entries();

    /** True when the topic held more than the browse's limit: {@link #entries()} is then its oldest part only. */
    boolean truncated();

    /**
     * Takes the entry out of the dead-letter topic for good (acknowledges, deletes or settles it, as the broker
     * allows). Throws when the broker refused; the entry then stays.
     */
    void remove(StoredDeadLetter entry) throws Exception;

    /** Ends the browse: entries not removed stay in the topic, in their order. */
    @Override
    void close();
}
