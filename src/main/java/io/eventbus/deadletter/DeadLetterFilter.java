package io.eventbus.deadletter;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * Which dead letters a listing, count, replay or purge applies to; every criterion given must hold, an absent one
 * (null, empty) matches all.
 *
 * @param eventIds  {@code event_id}s, any of them
 * @param eventType {@code event_type}, exactly
 * @param errorType {@code metadata.error_type}, exactly (e.g. {@code FatalException})
 * @param since     {@code metadata.failed_at} at or after this instant
 * @param until     {@code metadata.failed_at} before this instant
 * @param text      contained in {@code metadata.last_error}, ignoring case
 */
public record DeadLetterFilter(Set<String> eventIds, String eventType, String errorType, Instant since,
        Instant until, String text) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(Set.of(), null, null, null, null, null);

    public DeadLetterFilter {
        eventIds = eventIds == null ? Set.of() : Set.copyOf(eventIds);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
    }

    public static DeadLetterFilter byIds(Set<String> eventIds) {
        return new DeadLetterFilter(eventIds, null, null, null, null, null);
    }

    public boolean matches(DeadLetter letter) {
        if (!eventIds.isEmpty() && !eventIds.contains(letter.eventId())) {
            return false;
        }
        if (eventType != null && !eventType.equals(letter.eventType())) {
            return false;
        }
        if (errorType != null && !errorType.equals(letter.errorType())) {
            return false;
        }
        if ((since != null || until != null) && letter.failedAt() == null) {
            return false;
        }
        if (since != null && letter.failedAt().isBefore(since)) {
            return false;
        }
        if (until != null && !letter.failedAt().isBefore(until)) {
            return false;
        }
        return text == null || letter.lastError() != null
                && letter.lastError().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    /** True when no criterion is set: the filter selects the whole dead-letter topic. */
    public boolean selectsAll() {
        return equals(ALL);
    }

    /**
     * An ISO-8601 instant for a time option: {@code 2026-11-30T15:04:05Z}, with an offset
     * ({@code 2026-11-30T18:04:05+03:00}), or a UTC date ({@code 2026-11-30}, its midnight).
     *
     * @param name the option or field it came from, for the message
     */
    public static Instant parseTime(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException(name + ": expected an ISO-8601 time such as "
                            + "2026-11-30T15:04:05Z or a date such as 2026-11-30 but was \"" + value + "\"");
                }
            }
        }
    }
}
