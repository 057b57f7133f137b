package io.eventbus.runtime;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetterStats;
import io.eventbus.deadletter.DeadLetters;

/** {@code eventbus dlq stats --topic T [filters] [--json]}: counts by event_type and by error_type. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Count dead letters by event_type and by error_type.")
final class DlqStatsCommand extends DlqSubcommand {

    @Mixin
    DlqFilterOptions filter;

    @Override
    int run(DeadLetters deadLetters, DeadLetterJson json) throws Exception {
        DeadLetterStats stats = deadLetters.stats(topic, filter.toFilter());
        System.out.println(this.json ? json.stats(stats) : DlqTables.stats(stats));
        return 0;
    }
}
