package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eventbus.reload.RouteReloader;

/**
 * Stopping {@code eventbus run --until-idle} while its route file is being rewritten, many times over: the hot reload
 * stops before Camel stops the routes, so a reload in progress never races the shutdown, and every run exits 0 with
 * nothing logged at ERROR but the refusals of the broken versions of the file.
 */
class ReloadDuringShutdownTest {

    /** Each run lasts its start plus the idle second: 25 runs take about 30 s. */
    private static final int RUNS = 25;
    private static final String REFUSAL = "not applied, the running routes are unchanged";

    @TempDir
    Path dir;

    @Test
    void stoppingWhileTheRouteFileChangesEndsCleanlyEveryTime() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Path file = routes.resolve("relay.camel.yaml");
        Path config = Files.writeString(dir.resolve("app.properties"),
                "eventbus.transport = memory\neventbus.reload.interval = 20\n");
        try (RunLog log = RunLog.attach()) {
            for (int run = 1; run <= RUNS; run++) {
                Files.writeString(file, RouteFile.variant(0));
                // from the moment the file is loaded: a broken version at start would (rightly) fail the start
                RouteFile rewriter = new RouteFile(file, log.loaded());
                rewriter.start();
                CliRun result;
                try {
                    result = CliRun.of("run", "--config", config.toString(), "--routes", routes.toString(),
                            "--until-idle", "--idle-seconds", "1");
                } finally {
                    rewriter.finish();
                }
                assertEquals(0, result.exitCode(), "run " + run + " of " + RUNS + ": " + result.err());
                assertEquals(List.of(), log.unexpectedErrors(), "run " + run + " of " + RUNS);
            }
            assertTrue(log.reloads() > 0, "the valid versions were applied");
            assertTrue(log.refusals() > 0, "the broken versions were refused");
        }
    }

    /**
     * Rewrites a route file every 2 ms, once the application has loaded it, until finished: two valid versions in
     * turn, and every seventh one broken.
     */
    private static final class RouteFile extends Thread {
        private final Path file;
        private final CountDownLatch loaded;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile Exception failure;

        RouteFile(Path file, CountDownLatch loaded) {
            super("route-file-rewriter");
            this.file = file;
            this.loaded = loaded;
            setDaemon(true);
        }

        static String variant(int n) {
            String file = """
                    - route:
                        id: relay
                        from:
                          uri: bus:shutdown.in
                          steps:
                            - setHeader: {name: variant, constant: "%d"}
                            - to: bus:shutdown.out
                    - route:
                        id: audit
                        from:
                          uri: bus:shutdown.out
                          steps:
                            - log: "variant ${header.variant}"
                    """.formatted(n % 2);
            return n % 7 == 6 ? file.replace("steps:", "steps: [unclosed") : file;
        }

        @Override
        public void run() {
            try {
                while (running.get() && !loaded.await(10, TimeUnit.MILLISECONDS)) {
                    // the application is starting
                }
                for (int n = 1; running.get(); n++) {
                    Files.writeString(file, variant(n));
                    TimeUnit.MILLISECONDS.sleep(2);
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        /** Stops rewriting. */
        void finish() throws Exception {
            running.set(false);
            join();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * What the application logs, attached to the root logger: the start's "Loaded" line of the route file, the
     * reloads, and every ERROR.
     */
    private static final class RunLog extends AbstractAppender implements AutoCloseable {
        private final List<LogEvent> errors = new CopyOnWriteArrayList<>();
        private final AtomicInteger reloads = new AtomicInteger();
        private volatile CountDownLatch loaded = new CountDownLatch(1);

        private RunLog() {
            super("reload-during-shutdown", null, null, true, Property.EMPTY_ARRAY);
        }

        static RunLog attach() {
            RunLog log = new RunLog();
            log.start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().addAppender(log, Level.INFO, null);
            context.updateLoggers();
            return log;
        }

        /** Counted down when the next run has loaded its route files. */
        CountDownLatch loaded() {
            loaded = new CountDownLatch(1);
            return loaded;
        }

        @Override
        public void append(LogEvent event) {
            if (event.getLevel().isMoreSpecificThan(Level.ERROR)) {
                errors.add(event.toImmutable());
            } else if (event.getLoggerName().equals(RouteReloader.class.getName())) {
                String message = event.getMessage().getFormattedMessage();
                if (message.startsWith("Loaded ")) {
                    loaded.countDown();
                } else if (message.startsWith("Reloaded ")) {
                    reloads.incrementAndGet();
                }
            }
        }

        /** Route files applied after start. */
        int reloads() {
            return reloads.get();
        }

        /** The refusals of broken route files, which the test provokes. */
        long refusals() {
            return errors.stream().filter(e -> e.getMessage().getFormattedMessage().contains(REFUSAL)).count();
        }

        /** Every other ERROR as its logger, message and exception, each forgotten once returned. */
        List<String> unexpectedErrors() {
            List<String> found = new ArrayList<>();
            for (LogEvent event : errors) {
                String message = event.getMessage().getFormattedMessage();
                if (!message.contains(REFUSAL)) {
                    found.add(event.getLoggerName() + ": " + message + (event.getThrown() == null ? ""
                            : " (" + event.getThrown() + ")"));
                    errors.remove(event);
                }
            }
            return found;
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            LoggerConfig root = context.getConfiguration().getRootLogger();
            root.removeAppender(getName());
            context.updateLoggers();
            stop();
        }
    }
}
