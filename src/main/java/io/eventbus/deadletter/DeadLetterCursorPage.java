package io.eventbus.deadletter;

import java.util.List;

/**
 * One page of a dead-letter listing read server-side from a cursor, newest first: only the entries of the page
 * (with a filter, only as many as it takes to fill it) were read from the broker.
 *
 * @param topic     the dead-letter topic listed ({@code <topic>.dlq})
 * @param transport the transport it is on
 * @param size      the most dead letters per page
 * @param letters   this page's dead letters, newest first
 * @param next      the cursor of the next (older) page, or null when there is none
 * @param total     how many dead letters the topic holds, without a filter; null with one (counting the matches
 *                  would read the whole topic) or where the broker cannot tell
 * @param scanned   entries read from the broker to make the page
 * @param scanLimit true when a filter's search stopped after {@code browse-limit} entries with the page not full:
 *                  {@code next} goes on from there
 */
public record DeadLetterCursorPage(String topic, String transport, int size, List<DeadLetter> letters, String next,
        Long total, int scanned, boolean scanLimit) {

    public DeadLetterCursorPage {
        letters = List.copyOf(letters);
    }
}
