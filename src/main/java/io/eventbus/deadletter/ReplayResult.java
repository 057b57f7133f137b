package io.eventbus.deadletter;

import java.util.List;

/**
 * What a replay did, or with {@code dryRun} would do, to each dead letter the filter selected, oldest first.
 *
 * @param topic    the dead-letter topic replayed from
 * @param dryRun   true when nothing was published or removed
 * @param outcomes one per selected dead letter
 */
public record ReplayResult(String topic, boolean dryRun, List<Outcome> outcomes) {

    public ReplayResult {
        outcomes = List.copyOf(outcomes);
    }

    /** What happened to one dead letter. */
    public enum Action {
        /** Published again to {@code target} (confirmed), then removed from the dead-letter topic. */
        REPLAYED,
        /** It had used up {@code max_replays}: copied to {@code target}, {@code <topic>.parked}, then removed. */
        PARKED,
        /** Left in the dead-letter topic: it holds nothing that can be published again ({@code reason}). */
        NOT_REPLAYABLE,
        /** Left in the dead-letter topic: the publish failed ({@code reason}); a later replay may succeed. */
        FAILED
    }

    /**
     * @param eventId     the dead letter's {@code event_id}
     * @param position    where the broker held it
     * @param action      what was (or would be) done
     * @param target      the topic published to, null when nothing is published
     * @param replayCount the event's {@code replay_count} after this replay
     * @param reason      why it was not replayed, else null
     */
    public record Outcome(String eventId, String position, Action action, String target, int replayCount,
            String reason) {
    }

    public long count(Action action) {
        return outcomes.stream().filter(o -> o.action() == action).count();
    }
}
