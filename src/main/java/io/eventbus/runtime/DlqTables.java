package io.eventbus.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.eventbus.deadletter.DeadLetter;
import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetterPage;
import io.eventbus.deadletter.DeadLetterStats;
import io.eventbus.deadletter.PurgeResult;
import io.eventbus.deadletter.ReplayResult;

/** The table output of {@code eventbus dlq}: fixed columns, long texts cut, a summary line last. */
final class DlqTables {

    private static final int ERROR_WIDTH = 70;

    private DlqTables() {
    }

    static String page(DeadLetterPage page) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-22s %-36s %-20s %-24s %-27s %7s  %s",
                "POSITION", "EVENT_ID", "EVENT_TYPE", "ERROR_TYPE", "FAILED_AT", "REPLAYS", "LAST_ERROR"));
        for (DeadLetter letter : page.letters()) {
            out.append(String.format(Locale.ROOT, "%n%-22s %-36s %-20s %-24s %-27s %7d  %s", letter.position(),
                    figure(letter.eventId()), figure(letter.eventType()), figure(letter.errorType()),
                    letter.failedAt() == null ? "-" : letter.failedAt().toString(), letter.replayCount(),
                    cut(letter.lastError())));
        }
        out.append(String.format(Locale.ROOT, "%n%s on %s: %d dead letters, page %d of %d, newest first%s",
                page.topic(), page.transport(), page.total(), page.page(), Math.max(1, page.pages()),
                truncation(page.truncated())));
        return out.toString();
    }

    static String full(List<DeadLetter> letters, DeadLetterJson json) {
        StringBuilder out = new StringBuilder();
        for (DeadLetter letter : letters) {
            if (out.length() > 0) {
                out.append(String.format("%n%n"));
            }
            field(out, "position", letter.position());
            field(out, "event_id", letter.eventId());
            field(out, "event_type", letter.eventType());
            field(out, "error_type", letter.errorType());
            field(out, "last_error", letter.lastError());
            field(out, "failed_stage", letter.failedStage());
            field(out, "failed_at", letter.failedAt() == null ? null : letter.failedAt().toString());
            field(out, "dead_lettered_from", letter.deadLetteredFrom());
            field(out, "replay_count", String.valueOf(letter.replayCount()));
            out.append(String.format("failure_history:%s", letter.failureHistory().isEmpty() ? " (none)" : ""));
            for (Map<String, Object> failure : letter.failureHistory()) {
                out.append(String.format(Locale.ROOT, "%n  - %s %s at %s (%s): %s", failure.get("error_type"),
                        "in " + failure.get("failed_stage"), failure.get("failed_at"),
                        "replayed " + failure.get("replayed_at"), failure.get("last_error")));
            }
            out.append(String.format("%nenvelope:%n")).append(letter.envelope() == null ? "(not an envelope)"
                    : json.full(letter).get("envelope").toPrettyString());
        }
        return out.toString();
    }

    static String stats(DeadLetterStats stats) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-40s %8s", "EVENT_TYPE", "COUNT"));
        stats.byEventType().forEach((type, n) -> out.append(String.format(Locale.ROOT, "%n%-40s %8d", type, n)));
        out.append(String.format(Locale.ROOT, "%n%n%-40s %8s", "ERROR_TYPE", "COUNT"));
        stats.byErrorType().forEach((type, n) -> out.append(String.format(Locale.ROOT, "%n%-40s %8d", type, n)));
        out.append(String.format(Locale.ROOT, "%n%n%s on %s: %d dead letters%s", stats.topic(), stats.transport(),
                stats.total(), truncation(stats.truncated())));
        return out.toString();
    }

    static String replay(ReplayResult result, int maxReplays) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-36s %-15s %-32s %7s  %s", "EVENT_ID",
                "ACTION", "TARGET", "REPLAYS", "REASON"));
        for (ReplayResult.Outcome o : result.outcomes()) {
            out.append(String.format(Locale.ROOT, "%n%-36s %-15s %-32s %7d  %s", figure(o.eventId()),
                    o.action().name().toLowerCase(Locale.ROOT), figure(o.target()), o.replayCount(),
                    o.reason() == null ? "" : cut(o.reason())));
        }
        out.append(String.format(Locale.ROOT, "%n%s%s: replayed %d, parked %d (max_replays %d), not replayable %d, "
                + "failed %d", result.dryRun() ? "dry run, nothing changed: " : "", result.topic(),
                result.count(ReplayResult.Action.REPLAYED), result.count(ReplayResult.Action.PARKED), maxReplays,
                result.count(ReplayResult.Action.NOT_REPLAYABLE), result.count(ReplayResult.Action.FAILED)));
        return out.toString();
    }

    static String purge(PurgeResult result) {
        StringBuilder out = new StringBuilder("EVENT_ID");
        result.eventIds().forEach(id -> out.append(String.format("%n%s", figure(id))));
        out.append(String.format(Locale.ROOT, "%n%s%s: %s %d dead letters", result.dryRun()
                ? "dry run, nothing changed: " : "", result.topic(), result.dryRun() ? "would purge" : "purged",
                result.purged()));
        return out.toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-19s %s%n", name + ":", figure(value)));
    }

    private static String truncation(boolean truncated) {
        return truncated ? " (the topic holds more than eventbus.deadletter.browse-limit: only its oldest part read)"
                : "";
    }

    private static String figure(String value) {
        return value == null ? "-" : value;
    }

    private static String cut(String text) {
        if (text == null) {
            return "-";
        }
        String line = text.replace('\n', ' ');
        return line.length() <= ERROR_WIDTH ? line : line.substring(0, ERROR_WIDTH - 1) + "…";
    }
}
