package io.eventbus.transport.redis.streams;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.models.stream.PendingMessages;

/**
 * What one consumer group of a stream still needs, for retention: the lowest entry id it has not both received and
 * acknowledged — the entry after its {@code last-delivered-id}, or its smallest pending id when that is lower.
 *
 * @param group  the group as {@code XINFO GROUPS} reports it
 * @param needed the lowest entry id the group still needs; entries below it may be trimmed as far as it is concerned
 */
public record GroupNeed(StreamGroupInfo group, StreamEntryId needed) {

    /** What each of the stream's groups needs: an {@code XPENDING} summary per group with pending entries. */
    static List<GroupNeed> read(RedisStreamsClient client, String stream, List<StreamGroupInfo> groups,
            long timeoutMillis) throws Exception {
        List<GroupNeed> needs = new ArrayList<>();
        for (StreamGroupInfo group : groups) {
            StreamEntryId needed = StreamEntryId.parse(group.lastDeliveredId()).next();
            if (group.pending() > 0) {
                PendingMessages pending = RedisStreamsClient.await(
                        client.commands().xpending(stream, group.name()), timeoutMillis);
                if (pending.getCount() > 0 && pending.getMessageIds().getLower().getValue() != null) {
                    needed = StreamEntryId.min(needed,
                            StreamEntryId.parse(pending.getMessageIds().getLower().getValue()));
                }
            }
            needs.add(new GroupNeed(group, needed));
        }
        return needs;
    }

    /** The lowest id any of the groups needs, or null when there is no group. */
    static StreamEntryId lowest(List<GroupNeed> needs) {
        StreamEntryId lowest = null;
        for (GroupNeed need : needs) {
            lowest = StreamEntryId.min(lowest, need.needed());
        }
        return lowest;
    }

    /**
     * Per group, the entries a stream of {@code length} holds past {@code maxLen} for it (see
     * {@link #heldPastRetention(long, long, StreamEntryId)}); only reads more from Redis when the stream is longer.
     */
    public static Map<String, Long> heldPastRetention(RedisStreamsClient client, String stream, List<StreamGroupInfo> groups,
            long length, long maxLen, long timeoutMillis) throws Exception {
        Map<String, Long> held = new HashMap<>();
        if (length <= maxLen) {
            groups.forEach(group -> held.put(group.name(), 0L));
            return held;
        }
        StreamEntryId first = client.firstId(stream, timeoutMillis);
        for (GroupNeed need : read(client, stream, groups, timeoutMillis)) {
            Long value = need.heldPastRetention(length, maxLen, first);
            if (value != null) {
                held.put(need.group().name(), value);
            }
        }
        return held;
    }

    /**
     * How many of the entries the stream holds beyond {@code maxLen} this group still needs: all of them when it
     * needs the stream's first entry (it is what holds the stream back), else its unread and unacknowledged entries
     * beyond {@code maxLen}, as Redis counts them (lag and pending). Null when Redis cannot tell the group's lag.
     *
     * @param length the stream's length
     * @param maxLen the retention target, above 0
     * @param first  the stream's first entry id, or null when it is not known
     */
    Long heldPastRetention(long length, long maxLen, StreamEntryId first) {
        long excess = length - maxLen;
        if (excess <= 0) {
            return 0L;
        }
        if (first != null && needed.compareTo(first) <= 0) {
            return excess;
        }
        if (group.lag() == null) {
            return null;
        }
        long stillNeeded = group.lag() + group.pending();
        return Math.max(0, Math.min(excess, stillNeeded - maxLen));
    }
}
