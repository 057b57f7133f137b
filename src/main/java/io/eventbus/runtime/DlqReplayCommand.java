package io.eventbus.runtime;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetters;
import io.eventbus.deadletter.ReplayResult;

/**
 * {@code eventbus dlq replay --topic T [filters] [--to U] [--rate N] [--dry-run] [--json]}: publishes the selected
 * dead letters again and removes each once the broker confirmed it. Exit code 1 when a publish failed (those stay).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay dead letters to the topic they failed on (or --to), removing each once republished.")
final class DlqReplayCommand extends DlqSubcommand {

    @Mixin
    DlqFilterOptions filter;

    @Option(names = "--to", paramLabel = "TOPIC",
            description = "Publish to this topic instead of the one each failed on (metadata.dead_lettered_from).")
    String to;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "At most N events per second (default 0: no limit).")
    double rate;

    @Option(names = "--dry-run", description = "Report what would be replayed or parked; change nothing.")
    boolean dryRun;

    @Option(names = "--quiet", description = "No progress on standard error (shown only when it is a terminal).")
    boolean quiet;

    @Override
    void checkArguments() {
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (no limit) or more but was " + rate);
        }
    }

    @Override
    int run(DeadLetters deadLetters, DeadLetterJson json) throws Exception {
        ReplayResult result;
        try (ShownProgress progress = new ShownProgress("replay " + topic, quiet || dryRun)) {
            result = deadLetters.replay(topic, filter.toFilter(), to, rate, dryRun, progress);
        }
        System.out.println(this.json ? json.replay(result) : DlqTables.replay(result, deadLetters.maxReplays()));
        return result.count(ReplayResult.Action.FAILED) > 0 ? 1 : 0;
    }
}
