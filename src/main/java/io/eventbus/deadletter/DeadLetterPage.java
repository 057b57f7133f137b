package io.eventbus.deadletter;

import java.util.List;

/**
 * One page of a dead-letter listing, newest first.
 *
 * @param topic     the dead-letter topic listed ({@code <topic>.dlq})
 * @param transport the transport it is on
 * @param page      the page number, from 1
 * @param size      the most dead letters per page
 * @param total     how many dead letters match the filter in the whole topic
 * @param letters   this page's dead letters, newest first
 * @param truncated true when the topic held more than the browse limit and only its oldest part was read
 */
public record DeadLetterPage(String topic, String transport, int page, int size, int total,
        List<DeadLetter> letters, boolean truncated) {

    public DeadLetterPage {
        letters = List.copyOf(letters);
    }

    /** How many pages the matching dead letters fill. */
    public int pages() {
        return total == 0 ? 0 : (total + size - 1) / size;
    }
}
