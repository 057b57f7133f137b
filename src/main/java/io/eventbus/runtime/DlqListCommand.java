package io.eventbus.runtime;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetterPage;
import io.eventbus.deadletter.DeadLetters;

/** {@code eventbus dlq list --topic T [filters] [--page N] [--size M] [--json]}: dead letters, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List dead letters, newest first, a page at a time.")
final class DlqListCommand extends DlqSubcommand {

    @Mixin
    DlqFilterOptions filter;

    @Option(names = "--page", paramLabel = "N", defaultValue = "1", description = "Page number, from 1 (default 1).")
    int page;

    @Option(names = "--size", paramLabel = "M", defaultValue = "20",
            description = "Dead letters per page (default 20).")
    int size;

    @Override
    int run(DeadLetters deadLetters, DeadLetterJson json) throws Exception {
        DeadLetterPage listed = deadLetters.list(topic, filter.toFilter(), page, size);
        System.out.println(this.json ? json.page(listed) : DlqTables.page(listed));
        return 0;
    }
}
