package io.eventbus.transport.redis.streams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One consumer group of a stream as {@code XINFO GROUPS} reports it.
 *
 * @param name            the group
 * @param consumers       consumers the group knows (members that read and were not deleted)
 * @param pending         entries delivered to a member and not acknowledged
 * @param lastDeliveredId the id of the last entry delivered to the group
 * @param lag             entries not yet delivered to the group (Redis 7), or null when Redis cannot tell
 *                        (after entries were deleted out of order)
 */
public record StreamGroupInfo(String name, long consumers, long pending, String lastDeliveredId, Long lag) {

    /** Parses the raw {@code XINFO GROUPS} reply: one flat key/value list per group. */
    static List<StreamGroupInfo> parse(List<Object> reply) {
        List<StreamGroupInfo> groups = new ArrayList<>();
        for (Object entry : reply) {
            if (!(entry instanceof List<?> fields)) {
                continue;
            }
            String name = null;
            long consumers = 0;
            long pending = 0;
            String lastDelivered = "0-0";
            Long lag = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                Object value = fields.get(i + 1);
                switch (text(fields.get(i))) {
                    case "name" -> name = text(value);
                    case "consumers" -> consumers = number(value);
                    case "pending" -> pending = number(value);
                    case "last-delivered-id" -> lastDelivered = text(value);
                    case "lag" -> lag = value == null ? null : number(value);
                    default -> {
                        // entries-read and later additions are not needed
                    }
                }
            }
            if (name != null) {
                groups.add(new StreamGroupInfo(name, consumers, pending, lastDelivered, lag));
            }
        }
        return groups;
    }

    /** A reply element as text: bulk strings arrive as bytes through the byte-array value codec. */
    static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return String.valueOf(value);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(text(value));
    }
}
