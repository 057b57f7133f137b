package io.eventbus.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * A browse of entries read from the broker at once: it keeps them and forgets one once the broker has removed it.
 * A store says only how its broker removes an entry ({@link #removeAtBroker}) and, when the browse holds a
 * connection, how to let it go ({@link #close}).
 */
public abstract class DeadLetterSnapshot implements DeadLetterBrowse {

    private final List<StoredDeadLetter> entries;
    private final boolean truncated;

    /**
     * @param entries   the entries read, oldest first
     * @param truncated whether the topic held more than was read
     */
    protected DeadLetterSnapshot(List<StoredDeadLetter> entries, boolean truncated) {
        this.entries = new ArrayList<>(entries);
        this.truncated = truncated;
    }

    @Override
    public final List<StoredDeadLetter> entries() {
        return List.copyOf(entries);
    }

    @Override
    public final boolean truncated() {
        return truncated;
    }

    @Override
    public final void remove(StoredDeadLetter entry) throws Exception {
        removeAtBroker(entry);
        entries.remove(entry);
    }

    /** Deletes, acknowledges or settles the entry at the broker; throws when the broker refused. */
    protected abstract void removeAtBroker(StoredDeadLetter entry) throws Exception;

    /** Nothing to release unless the browse holds a connection of its own. */
    @Override
    public void close() {
    }
}
