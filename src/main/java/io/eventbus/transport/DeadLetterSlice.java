package io.eventbus.transport;

import java.util.List;

/**
 * A run of a dead-letter topic's entries read newest first from a cursor, from {@link DeadLetterStore#newest}: the
 * unit of server-side paging, where only the entries of the page asked for are read from the broker.
 *
 * @param items the entries, newest first, each with the cursor that continues after it
 * @param more  whether entries older than the last one remain
 * @param total entries the dead-letter topic holds, or null where the broker cannot tell without reading them all
 */
public record DeadLetterSlice(List<Item> items, boolean more, Long total) {

    public DeadLetterSlice {
        items = List.copyOf(items);
    }

    /**
     * One entry and where to go on from it.
     *
     * @param entry       the entry
     * @param cursorAfter an opaque cursor: passed as {@code before} to {@link DeadLetterStore#newest}, the next read
     *                    starts with the entry older than this one
     */
    public record Item(StoredDeadLetter entry, String cursorAfter) {
    }
}
