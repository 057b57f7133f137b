package io.eventbus.transport.redis.streams;

import java.util.List;

import io.eventbus.transport.RetryableException;

/**
 * A publish refused because the stream is at its hard cap ({@link RetentionMode#CAP}) and its oldest entry is still
 * needed by a consumer group. Retryable: once the group reads and acknowledges, the publish goes through. Nothing
 * was appended and nothing was trimmed.
 */
public final class StreamCapReachedException extends RetryableException {

    private final List<String> groups;

    StreamCapReachedException(String stream, long length, long cap, List<String> groups) {
        super("Redis stream '" + stream + "' is at its cap of " + cap + " entries (maxLen, eventbus.redis.max-len, "
                + "with retention CAP; it holds " + length + ") and consumer group"
                + (groups.size() == 1 ? " '" + groups.get(0) + "' has" : "s '" + String.join("', '", groups)
                        + "' have")
                + " not read or acknowledged its oldest entry: the publish is refused so that nothing unread is "
                + "dropped; retry once the group catches up, or delete an abandoned group (eventbus groups delete)");
        this.groups = List.copyOf(groups);
    }

    /** The groups that hold the oldest entry. */
    public List<String> groups() {
        return groups;
    }
}
