package io.eventbus.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar as an integrator runs it: a broken route file written while it runs leaves it processing and is
 * reported; SIGTERM stops it gracefully. Runs after {@code mvn package} built the jar.
 */
class EventBusJarIT {

    private static final Path JAR = Path.of("target/camel-eventbus.jar");

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void aBrokenRouteFileLeavesTheRunningRoutesProcessingAndSigtermStopsGracefully() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("ticks.camel.yaml"), """
                # publishes an event every 100 ms and logs each one consumed
                - route:
                    id: ticker
                    from:
                      uri: timer:tick
                      parameters: {period: 100}
                      steps:
                        - setBody: {constant: '{"event_type":"tick","source":"jar-it","data":{}}'}
                        - to: bus:ticks
                - route:
                    id: tick-consumer
                    from:
                      uri: bus:ticks
                      steps:
                        - log: "processed tick ${header.EventId}"
                """);
        Path log = dir.resolve("stderr.log");
        process = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run", "--routes", routes.toString())
                .redirectError(log.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> count(log, "processed tick") >= 5);

        Files.writeString(routes.resolve("broken.camel.yaml"), "- route:\n    id: broken\n    from: [unclosed\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(log, "broken.camel.yaml not applied") == 1);
        int atError = count(log, "processed tick");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(log, "processed tick") >= atError + 5);
        assertTrue(lines(log).stream().anyMatch(l -> l.contains("routes/broken.camel.yaml:3:")
                || l.contains("broken.camel.yaml:3:")), "the error names file and line:\n" + String.join("\n", lines(log)));

        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stopped within the shutdown timeout");
        assertTrue(count(log, "JVM shutdown hook triggered by SIGTERM") == 1, String.join("\n", lines(log)));
        assertTrue(count(log, "Apache Camel (Main) 4.14.0 is shutdown") == 1, String.join("\n", lines(log)));
        assertTrue(count(log, "forcing shutdown") == 0, "nothing was forced:\n" + String.join("\n", lines(log)));
    }

    private static int count(Path log, String text) throws IOException {
        return (int) lines(log).stream().filter(l -> l.contains(text)).count();
    }

    private static List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
