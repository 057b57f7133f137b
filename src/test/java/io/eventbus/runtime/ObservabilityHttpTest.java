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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.observability.PrometheusText;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eventbus run} with its HTTP server on a free port: readiness and liveness health with per-transport,
 * per-consumer and reload detail, and the Prometheus scrape with the bus's meters, fetched over real HTTP while it
 * runs.
 */
class ObservabilityHttpTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void healthAndMetricsAreServedWhileTheBusRuns() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("http.camel.yaml"), """
                # consumes obs.http, one step per event
                - route:
                    id: http-consumer
                    from:
                      uri: bus:obs.http
                      parameters: {group: http-group}
                      steps:
                        - step:
                            id: work
                            steps:
                              - log: "worked ${header.EventId}"
                """);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add("{\"event_type\":\"http_tick\",\"source\":\"http-test\",\"data\":{\"n\":" + i + "}}");
        }
        lines.add("{\"event_type\":\"http_tick\"");
        Path feed = Files.write(dir.resolve("feed.jsonl"), lines);
        Path config = Files.writeString(dir.resolve("test.properties"), "eventbus.metrics.backlog-interval = 200\n");
        int port = freePort();
        String base = "http://127.0.0.1:" + port;

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> EventBusCli.execute("run",
                "--routes", routes.toString(), "--config", config.toString(), "--feed", feed.toString(),
                "--topic", "obs.http", "--until-idle", "--idle-seconds", "6", "--http-port", String.valueOf(port)));

        Map<String, String> consumer = Map.of("topic", "obs.http", "group", "http-group", "route", "http-consumer",
                "transport", "memory");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            PrometheusText metrics = new PrometheusText(get(base + "/observe/metrics").body());
            // the backlog gauges show their last poll (every 200 ms here): wait for one taken after the work
            return metrics.sum("eventbus_events_acknowledged_total", consumer) == 10
                    && metrics.has("eventbus_consumer_lag", Map.of("topic", "obs.http", "group", "http-group"))
                    && metrics.sum("eventbus_consumer_lag", Map.of("topic", "obs.http", "group", "http-group")) == 0
                    && metrics.sum("eventbus_dlq_depth", Map.of("topic", "obs.http")) == 1;
        });

        HttpResponse<String> ready = get(base + "/observe/health/ready?data=true");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode health = MAPPER.readTree(ready.body());
        assertEquals("UP", health.get("status").asText(), ready.body());
        JsonNode consumerCheck = check(health, "consumer:http-consumer").get("data");
        assertEquals("obs.http", consumerCheck.get("topic").asText(), ready.body());
        assertEquals("http-group", consumerCheck.get("group").asText(), ready.body());
        assertEquals("memory", consumerCheck.get("transport").asText(), ready.body());
        assertEquals("Started", consumerCheck.get("status").asText(), ready.body());
        assertTrue(consumerCheck.get("connected").asBoolean(), ready.body());
        assertTrue(consumerCheck.has("latency_ms") && consumerCheck.has("lag") && consumerCheck.has("pending"),
                ready.body());
        JsonNode transport = check(health, "eventbus-transport-memory").get("data");
        assertTrue(transport.get("connected").asBoolean(), ready.body());
        assertTrue(transport.has("latency_ms"), ready.body());
        JsonNode reload = check(health, "eventbus-reload").get("data");
        assertEquals(0, reload.get("reloads").asInt(), ready.body());
        assertEquals(0, reload.get("reload_failures").asInt(), ready.body());

        HttpResponse<String> live = get(base + "/observe/health/live");
        assertEquals(200, live.statusCode(), live.body());
        assertEquals("UP", MAPPER.readTree(live.body()).get("status").asText());

        PrometheusText metrics = new PrometheusText(get(base + "/observe/metrics").body());
        assertEquals(10, metrics.sum("eventbus_events_published_total", Map.of("topic", "obs.http")), "" + metrics);
        assertEquals(10, metrics.sum("eventbus_events_consumed_total", consumer));
        assertEquals(1, metrics.sum("eventbus_events_dead_lettered_total",
                Map.of("topic", "obs.http", "event_type", "invalid_event", "stage", "validation")));
        assertEquals(10, metrics.sum("eventbus_stage_duration_seconds_count",
                Map.of("route", "http-consumer", "stage", "work", "outcome", "success")));
        assertEquals(10, metrics.sum("eventbus_events_latency_seconds_bucket", Map.of("topic", "obs.http",
                "le", "+Inf")));
        assertTrue(metrics.has("eventbus_events_latency_percentile_seconds", Map.of("quantile", "0.99")));
        assertEquals(0, metrics.sum("eventbus_consumer_lag", Map.of("topic", "obs.http", "group", "http-group")));
        assertEquals(1, metrics.sum("eventbus_dlq_depth", Map.of("topic", "obs.http")));
        assertEquals(0, metrics.sum("eventbus_routes_reloads_total", Map.of()));
        assertTrue(metrics.has("eventbus_routes_reload_failures_total", Map.of()));
        // Camel's own meters share the scrape
        assertTrue(metrics.has("camel_exchanges_total", Map.of("routeId", "http-consumer")), "" + metrics);

        assertEquals(0, run.get(60, TimeUnit.SECONDS));
    }

    /** The named check of a health answer; fails when it has none. */
    static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no health check " + name + " in " + health);
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertNotNull(response.body());
        return response;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
