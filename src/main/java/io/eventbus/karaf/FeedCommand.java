package io.eventbus.karaf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.camel.CamelContext;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.eventbus.feed.FeedPublisher;
import io.eventbus.feed.IdleWatch;
import io.eventbus.feed.RunSummary;

/**
 * {@code eventbus:feed --topic T FILE.jsonl}: what {@code eventbus run --feed FILE --topic T --until-idle} does, in
 * Karaf, against the running bus: publishes each line of the file (an invalid one is dead-lettered with its line
 * number), waits until nothing has moved for {@code --idle-seconds}, and prints the same summary line (published,
 * processed, dead-lettered, deduplicated). The bus keeps running.
 */
@Service
@Command(scope = "eventbus", name = "feed", description = "Publish a JSONL file of events to a topic and print what "
        + "became of them once the bus is idle.")
public final class FeedCommand implements Action {

    @Reference
    KarafEventBus bus;

    @Option(name = "--topic", required = true, description = "The topic to publish the file's events to")
    String topic;

    @Option(name = "--idle-seconds", description = "How long nothing must move before the summary is printed")
    int idleSeconds = 2;

    @Argument(index = 0, name = "file", required = true, description = "A JSONL file, one event per line")
    String file;

    @Override
    public Object execute() throws Exception {
        CamelContext context = bus.context();
        if (context == null) {
            throw new IllegalStateException("the event bus is not running: see Karaf's log (log:display)");
        }
        Path feed = Path.of(file);
        if (!Files.isReadable(feed)) {
            throw new IllegalArgumentException(file + ": file not found or not readable");
        }
        RunSummary summary = new RunSummary(topic);
        IdleWatch idle = new IdleWatch(idleSeconds);
        context.getManagementStrategy().addEventNotifier(summary);
        context.getManagementStrategy().addEventNotifier(idle);
        summary.start();
        idle.start();
        try {
            context.addRoutes(summary.deadLetterCounter());
            FeedPublisher.Result result = new FeedPublisher(context).publish(feed, topic);
            summary.published(result.lines());
            CountDownLatch quiet = new CountDownLatch(1);
            idle.start(context, quiet::countDown);
            quiet.await();
            // printed, not returned: a command's result is shown in an interactive shell only, not to bin/client
            System.out.println(summary.toJson());
            return null;
        } finally {
            context.getRouteController().stopRoute(RunSummary.COUNTER_ROUTE_ID);
            context.removeRoute(RunSummary.COUNTER_ROUTE_ID);
            context.getManagementStrategy().removeEventNotifier(idle);
            context.getManagementStrategy().removeEventNotifier(summary);
        }
    }
}
