package io.eventbus.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eventbus run}: the event bus as a standalone Camel Main application. Loads the packaged
 * {@code application.properties} (then {@code --config}, then environment variables), the YAML routes of
 * {@code --routes} (default {@code routes/}), optionally publishes a JSONL feed at start, and with
 * {@code --until-idle} stops once nothing has moved for a while and prints the run's summary as the last line of
 * standard output. Logs go to standard error.
 */
public final class EventBusMain {

    private static final Logger LOG = LoggerFactory.getLogger(EventBusMain.class);

    private final RunOptions options;

    EventBusMain(RunOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        RunOptions options;
        try {
            options = RunOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int exitCode;
        try {
            exitCode = new EventBusMain(options).run();
        } catch (Exception e) {
            // the cause is logged by Camel; exit explicitly, as idle-watch threads would keep the JVM alive
            System.err.println("eventbus run failed: " + rootCause(e).getMessage());
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    int run() throws Exception {
        if (!Files.isDirectory(options.routes())) {
            System.err.println("--routes " + options.routes() + ": not a directory");
            return 2;
        }
        Main main = new Main();
        String locations = "classpath:application.properties;optional=true";
        if (options.config() != null) {
            if (!Files.isReadable(options.config())) {
                System.err.println("--config " + options.config() + ": file not found or not readable");
                return 2;
            }
            locations += ",file:" + options.config().toAbsolutePath();
        }
        main.setPropertyPlaceholderLocations(locations);
        main.configure().withRoutesIncludePattern("file:" + options.routes().toAbsolutePath() + "/*.camel.yaml");
        if (options.untilIdle()) {
            main.configure().withDurationMaxIdleSeconds(options.idleSeconds());
        }
        RunSummary summary = options.feed() == null ? null : new RunSummary(options.topic());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                if (summary != null) {
                    support.getCamelContext().getManagementStrategy().addEventNotifier(summary);
                    support.configure().addRoutesBuilder(summary.deadLetterCounter());
                }
            }

            @Override
            public void afterStart(BaseMainSupport support) {
                if (summary != null) {
                    feed(support.getCamelContext(), summary);
                }
            }
        });
        main.run();
        if (summary != null && options.untilIdle()) {
            System.out.println(summary.toJson());
        }
        return main.getExitCode();
    }

    private void feed(CamelContext context, RunSummary summary) {
        try {
            FeedPublisher.Result result = new FeedPublisher(context).publish(options.feed(), options.topic());
            summary.published(result.lines());
            LOG.info("Fed {} events from {} to {} ({} invalid, dead-lettered)", result.lines(), options.feed(),
                    options.topic(), result.invalid());
        } catch (IOException e) {
            LOG.error("Cannot read the feed {}: {}", options.feed(), e.getMessage());
        }
    }
}
