package io.eventbus.runtime;

import org.apache.camel.FailedToCreateRouteException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import io.eventbus.reload.RouteReloader;

/**
 * The {@code eventbus} command line, the jar's entry point: {@code run} the application, {@code publish} and
 * {@code consume} events on a broker, {@code validate} a file of events, show {@code stats}, list and drop
 * consumer groups ({@code groups [delete|prune]}), manage dead letters ({@code dlq list|show|stats|replay|purge}).
 * Exit codes: 0 done, 1 failed (or, for {@code validate}, invalid events found), 2 wrong usage.
 */
@Command(name = "eventbus", mixinStandardHelpOptions = true, versionProvider = EventBusCli.Version.class,
        description = "camel-eventbus: versioned events over memory, Redis Streams, RabbitMQ or Kafka, routed by Apache Camel.",
        subcommands = { RunCommand.class, PublishCommand.class, ConsumeCommand.class, ValidateCommand.class,
                StatsCommand.class, GroupsCommand.class, DlqCommand.class, CommandLine.HelpCommand.class })
public final class EventBusCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code, for the jar's main and for tests. */
    static int execute(String... args) {
        CommandLine cli = new CommandLine(new EventBusCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + messageOf(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The root cause's message, which is the one naming the option, key, file or line; Camel wraps it. */
    static String messageOf(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof FailedToCreateRouteException) {
                return RouteReloader.reasonOf(root);
            }
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EventBusCli.class.getPackage().getImplementationVersion();
            return new String[] { "camel-eventbus " + (version == null ? "(development build)" : version)
                    + ", Apache Camel " + org.apache.camel.impl.DefaultCamelContext.class.getPackage().getImplementationVersion() };
        }
    }
}
