package io.eventbus.runtime;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code eventbus dlq list|show|stats|replay|purge --topic T}: the dead letters of a topic ({@code T.dlq}) on its
 * broker, read without consuming them; see {@link io.eventbus.deadletter.DeadLetters}.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List, show, count, replay and purge the dead letters of a topic (<topic>.dlq) on a broker.",
        subcommands = { DlqListCommand.class, DlqShowCommand.class, DlqStatsCommand.class, DlqReplayCommand.class,
                DlqPurgeCommand.class })
final class DlqCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
