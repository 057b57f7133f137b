package io.eventbus.deadletter;

import java.util.List;

/**
 * What a purge removed, or with {@code dryRun} would remove.
 *
 * @param topic    the dead-letter topic purged
 * @param dryRun   true when nothing was removed
 * @param eventIds the {@code event_id}s of the dead letters removed, oldest first
 */
public record PurgeResult(String topic, boolean dryRun, List<String> eventIds) {

    public PurgeResult {
        eventIds = List.copyOf(eventIds);
    }

    public int purged() {
        return eventIds.size();
    }
}
