package io.eventbus.deadletter;

import java.util.Map;

/**
 * How many dead letters a topic holds, by {@code event_type} and by {@code metadata.error_type}.
 *
 * @param topic       the dead-letter topic counted
 * @param transport   the transport it is on
 * @param total       dead letters matching the filter
 * @param byEventType counts per {@code event_type}, sorted by name
 * @param byErrorType counts per {@code error_type}, sorted by name
 * @param truncated   true when the topic held more than the browse limit and only its oldest part was counted
 */
public record DeadLetterStats(String topic, String transport, int total, Map<String, Integer> byEventType,
        Map<String, Integer> byErrorType, boolean truncated) {
}
