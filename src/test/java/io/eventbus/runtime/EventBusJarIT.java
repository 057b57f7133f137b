package io.eventbus.runtime;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.observability.PrometheusText;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar as an integrator runs it: a broken route file written while it runs leaves it processing and is
 * reported; SIGTERM stops it gracefully; a Java DSL route file compiles from the jar (its class path is the jar), is
 * reloaded when it changes and refused with the compiler's message and line when it does not compile; the listings
 * sample's health and metrics, fetched over HTTP, agree with its summary line. Runs after {@code mvn package} built the jar.
 */
class EventBusJarIT {

    private static final Path JAR = Path.of("target/camel-eventbus.jar");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        process = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run", "--routes",
                routes.toString(), "--http-port", "0")
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

    @Test
    void aJavaRouteFileCompilesFromTheJarIsReloadedAndOneThatDoesNotCompileIsRefusedWithItsLine() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Path file = routes.resolve("Ticks.java");
        Files.writeString(file, ticks("v1"));
        Path log = dir.resolve("stderr.log");
        process = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run", "--routes",
                routes.toString(), "--http-port", "0")
                .redirectError(log.toFile()).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        await().atMost(Duration.ofSeconds(120)).until(() -> count(log, "processed tick v1 ") >= 5);

        String broken = ticks("v2").replace(".log(", ".lg(");
        Files.writeString(file, broken);
        await().atMost(Duration.ofSeconds(120)).until(() -> count(log, "Ticks.java not applied") == 1);
        List<String> source = broken.lines().toList();
        int line = 1 + IntStream.range(0, source.size()).filter(i -> source.get(i).contains(".lg(")).findFirst()
                .orElseThrow();
        assertTrue(lines(log).stream().anyMatch(l -> l.contains("Ticks.java:" + line + ": does not compile: cannot "
                + "find symbol (symbol: method lg(")), "the error names file, line and the compiler's message:\n"
                + String.join("\n", lines(log)));
        int atError = count(log, "processed tick v1 ");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(log, "processed tick v1 ") >= atError + 5);

        Files.writeString(file, ticks("v2"));
        await().atMost(Duration.ofSeconds(120)).until(() -> count(log, "processed tick v2 ") >= 5);
        assertEquals(1, count(log, "Reloaded " + file), String.join("\n", lines(log)));

        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stopped within the shutdown timeout");
    }

    /** A Java DSL route file, in a package: publishes an event every 100 ms and logs each one consumed. */
    private static String ticks(String version) {
        return """
                package com.example.ticks;

                import org.apache.camel.builder.RouteBuilder;

                public class Ticks extends RouteBuilder {
                    @Override
                    public void configure() {
                        from("timer:tick?period=100").routeId("ticker")
                                .setBody(constant("{\\"event_type\\":\\"tick\\",\\"source\\":\\"jar-it\\",\\"data\\":{}}"))
                                .to("bus:ticks");
                        from("bus:ticks").routeId("tick-consumer")
                                .log("processed tick %s ${header.EventId}");
                    }
                }
                """.formatted(version);
    }

    @Test
    void theListingsRunServesHealthAndMetricsThatAgreeWithItsSummary() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        Path stdout = dir.resolve("stdout.log");
        Path log = dir.resolve("stderr.log");
        process = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run", "--feed",
                "samples/listings/raw.jsonl", "--topic", "listings.raw", "--until-idle", "--idle-seconds", "10",
                "--http-port", String.valueOf(port))
                .redirectError(log.toFile()).redirectOutput(stdout.toFile()).start();
        Map<String, String> pipeline = Map.of("topic", "listings.raw", "group", "listings-pipeline");
        Map<String, String> raw = Map.of("topic", "listings.raw");
        long feedLines = Files.readAllLines(Path.of("samples/listings/raw.jsonl")).stream()
                .filter(l -> !l.isBlank()).count();
        // done: the whole feed published (or dead-lettered at the feed), every delivery of the pipeline settled,
        // every dead letter read by the summary's counter; without the first, a consumer that caught up with a
        // feed still being published looked done
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            PrometheusText m = new PrometheusText(get(base + "/observe/metrics").body());
            double consumed = m.sum("eventbus_events_consumed_total", pipeline);
            double fed = m.sum("eventbus_events_published_total", raw) + m.sum("eventbus_events_dead_lettered_total",
                    Map.of("topic", "listings.raw", "stage", "validation"));
            return fed == feedLines && consumed == m.sum("eventbus_events_published_total", raw)
                    && m.sum("eventbus_events_acknowledged_total", pipeline) == consumed
                    && m.sum("eventbus_events_acknowledged_total", Map.of("group", "eventbus-run-summary"))
                            == m.sum("eventbus_events_dead_lettered_total", raw);
        });
        HttpResponse<String> ready = get(base + "/observe/health/ready?data=true");
        String metricsText = get(base + "/observe/metrics").body();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "stopped once idle");
        assertEquals(0, process.exitValue(), String.join("\n", lines(log)));

        JsonNode summary = MAPPER.readTree(lines(stdout).get(lines(stdout).size() - 1));
        PrometheusText metrics = new PrometheusText(metricsText);
        double invalidAtFeed = metrics.sum("eventbus_events_dead_lettered_total", Map.of("topic", "listings.raw",
                "stage", "validation"));
        assertEquals(summary.get("published").asDouble(),
                metrics.sum("eventbus_events_published_total", raw) + invalidAtFeed, metricsText);
        assertEquals(summary.get("processed").asDouble(),
                metrics.sum("eventbus_events_published_total", Map.of("topic", "listings.processed")));
        assertEquals(summary.get("dead_lettered").asDouble(), metrics.sum("eventbus_events_dead_lettered_total", raw));
        assertEquals(summary.get("deduplicated").asDouble(),
                metrics.sum("eventbus_events_deduplicated_total", pipeline));
        assertEquals(summary.get("processed").asDouble() + summary.get("deduplicated").asDouble(),
                metrics.sum("eventbus_events_latency_seconds_bucket", Map.of("topic", "listings.raw",
                        "group", "listings-pipeline", "le", "+Inf")), "latency of each processed or filtered event");
        assertTrue(metrics.has("eventbus_events_latency_percentile_seconds", Map.of("topic", "listings.raw",
                "quantile", "0.99")), metricsText);
        for (String stage : new String[] { "normalize", "dedupe", "fraud-check" }) {
            assertTrue(metrics.sum("eventbus_stage_duration_seconds_count", Map.of("stage", stage)) > 0, stage);
        }

        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode health = MAPPER.readTree(ready.body());
        assertEquals("UP", health.get("status").asText());
        List<String> checks = new java.util.ArrayList<>();
        health.get("checks").forEach(c -> checks.add(c.get("name").asText()));
        assertTrue(checks.containsAll(List.of("eventbus-transport-memory", "consumer:listings-pipeline",
                "eventbus-reload")), ready.body());
        health.get("checks").forEach(c -> {
            if (c.get("name").asText().equals("consumer:listings-pipeline")) {
                assertEquals("listings.raw", c.get("data").get("topic").asText(), ready.body());
                assertTrue(c.get("data").get("connected").asBoolean(), ready.body());
            }
        });
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int count(Path log, String text) throws IOException {
        return (int) lines(log).stream().filter(l -> l.contains(text)).count();
    }

    private static List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
