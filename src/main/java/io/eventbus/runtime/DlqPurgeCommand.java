package io.eventbus.runtime;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetters;
import io.eventbus.deadletter.PurgeResult;

/**
 * {@code eventbus dlq purge --topic T [filters] (--yes | --dry-run) [--json]}: removes dead letters for good. Without
 * {@code --yes} (or {@code --dry-run}) it refuses with exit code 2 and removes nothing.
 */
@Command(name = "purge", mixinStandardHelpOptions = true,
        description = "Remove dead letters for good (asks for --yes; --dry-run shows what would go).")
final class DlqPurgeCommand extends DlqSubcommand {

    @Mixin
    DlqFilterOptions filter;

    @Option(names = "--yes", description = "Confirm: the selected dead letters are removed for good.")
    boolean yes;

    @Option(names = "--dry-run", description = "Report what would be removed; remove nothing.")
    boolean dryRun;

    @Option(names = "--quiet", description = "No progress on standard error (shown only when it is a terminal).")
    boolean quiet;

    @Override
    void checkArguments() {
        if (!yes && !dryRun) {
            throw new IllegalArgumentException("purge removes dead letters for good: add --yes to confirm, or "
                    + "--dry-run to see what it would remove");
        }
    }

    @Override
    int run(DeadLetters deadLetters, DeadLetterJson json) throws Exception {
        PurgeResult result;
        try (ShownProgress progress = new ShownProgress("purge " + topic, quiet || dryRun)) {
            result = deadLetters.purge(topic, filter.toFilter(), dryRun, progress);
        }
        System.out.println(this.json ? json.purge(result) : DlqTables.purge(result));
        return 0;
    }
}
