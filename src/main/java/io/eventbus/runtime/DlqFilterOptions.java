package io.eventbus.runtime;

import java.util.LinkedHashSet;
import java.util.Set;

import picocli.CommandLine.Option;

import io.eventbus.deadletter.DeadLetterFilter;

/** The filter options of {@code eventbus dlq list|stats|replay|purge}: every one given must hold. */
final class DlqFilterOptions {

    @Option(names = "--id", paramLabel = "EVENT_ID", description = "A dead letter's event_id (repeatable).")
    Set<String> ids = new LinkedHashSet<>();

    @Option(names = "--event-type", paramLabel = "TYPE", description = "Only dead letters of this event_type.")
    String eventType;

    @Option(names = "--error-type", paramLabel = "TYPE",
            description = "Only dead letters whose metadata.error_type is this, e.g. FatalException.")
    String errorType;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only those failed at or after TIME (ISO-8601, e.g. 2026-11-30T15:00:00Z or 2026-11-30).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only those failed before TIME (ISO-8601).")
    String until;

    @Option(names = "--grep", paramLabel = "TEXT",
            description = "Only those whose metadata.last_error contains TEXT (ignoring case).")
    String grep;

    DeadLetterFilter toFilter() {
        return new DeadLetterFilter(ids, eventType, errorType, DeadLetterFilter.parseTime("--since", since),
                DeadLetterFilter.parseTime("--until", until), grep == null || grep.isEmpty() ? null : grep);
    }
}
