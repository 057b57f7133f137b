package io.eventbus.runtime;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard and the Prometheus alert rules shipped in {@code monitoring/}: the rules pass
 * {@code promtool check rules} (Debian's {@code prometheus} package; the test fails without it), and every
 * {@code eventbus_*} metric name the dashboard's and the rules' queries use is one that {@code eventbus run} really
 * exports, read from its {@code /observe/metrics} after it moved events that were processed, redelivered and
 * dead-lettered.
 */
class MonitoringRulesTest {

    static final Path RULES = Path.of("src/main/resources/monitoring/eventbus-alerts.yml");
    static final Path DASHBOARD = Path.of("src/main/resources/monitoring/eventbus-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\beventbus_[a-z0-9_]+");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Path promtool = Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        assertTrue(promtool != null, "promtool is not on the PATH: install Debian's prometheus package (.ci/run does)");
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), output);
        assertTrue(output.contains("SUCCESS"), output);
    }

    @Test
    void everyMetricTheDashboardAndRulesQueryIsExported() throws Exception {
        Set<String> queried = new TreeSet<>();
        for (JsonNode expr : MAPPER.readTree(DASHBOARD.toFile()).findValues("expr")) {
            queried.addAll(metricsIn(expr.asText()));
        }
        for (JsonNode query : MAPPER.readTree(DASHBOARD.toFile()).findValues("query")) {
            queried.addAll(metricsIn(query.asText()));
        }
        int fromDashboard = queried.size();
        queried.addAll(metricsIn(Files.readString(RULES)));
        assertTrue(fromDashboard >= 8 && queried.size() > fromDashboard, "queries found: " + queried);

        Set<String> exported = exportedAfterMovingEvents();
        Set<String> unknown = new TreeSet<>(queried);
        unknown.removeAll(exported);
        assertTrue(unknown.isEmpty(), "queried but not exported: " + unknown + "\nexported: " + exported);
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /**
     * The sample names of a scrape of {@code eventbus run} once ten events were processed (one of them after a
     * redelivery) and one dead-lettered, with the backlog gauges polled.
     */
    private Set<String> exportedAfterMovingEvents() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("monitored.camel.yaml"), """
                # processes mon.orders: a flaky event fails its first attempt (redelivered), a bad one for good
                - route:
                    id: monitored
                    errorHandler:
                      deadLetterChannel:
                        deadLetterUri: bus:dlq
                        onExceptionOccurredRef: busFailedAttemptHook
                        redeliveryPolicy: {maximumRedeliveries: 2, redeliveryDelay: 100}
                    from:
                      uri: bus:mon.orders
                      parameters: {group: monitored}
                      steps:
                        - filter:
                            simple: "${header.EventType} == 'bad'"
                            steps:
                              - throwException:
                                  exceptionType: io.eventbus.transport.FatalException
                                  message: "bad event"
                        - filter:
                            simple: "${header.EventType} == 'flaky' && ${header.CamelRedeliveryCounter} == null"
                            steps:
                              - throwException:
                                  exceptionType: io.eventbus.transport.RetryableException
                                  message: "flaky once"
                        - log: "processed ${header.EventId}"
                """);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add("{\"event_type\":\"" + (i == 3 ? "flaky" : "order") + "\",\"source\":\"mon\",\"data\":{}}");
        }
        lines.add("{\"event_type\":\"bad\",\"source\":\"mon\",\"data\":{}}");
        Path feed = Files.write(dir.resolve("feed.jsonl"), lines);
        Path config = Files.writeString(dir.resolve("test.properties"), "eventbus.metrics.backlog-interval = 200\n");
        int port = freePort();
        String metricsUrl = "http://127.0.0.1:" + port + "/observe/metrics";
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> EventBusCli.execute("run",
                "--routes", routes.toString(), "--config", config.toString(), "--feed", feed.toString(),
                "--topic", "mon.orders", "--until-idle", "--idle-seconds", "5", "--http-port", String.valueOf(port)));
        Set<String> exported = new TreeSet<>();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            exported.clear();
            exported.addAll(sampleNames(HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body()));
            return exported.contains("eventbus_events_redelivered_total")
                    && exported.contains("eventbus_events_dead_lettered_total")
                    && exported.contains("eventbus_dlq_depth") && exported.contains("eventbus_consumer_lag");
        });
        assertEquals(0, run.get(60, TimeUnit.SECONDS));
        return exported;
    }

    private static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
