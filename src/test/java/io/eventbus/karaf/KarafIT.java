package io.eventbus.karaf;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.eventbus.runtime.CliRun;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bus in a real Apache Karaf 4.4.10, offline, driven as a user drives it: {@code feature:repo-add},
 * {@code feature:install}, {@code etc/io.eventbus.cfg}, route files in {@code etc/eventbus/routes}, the
 * {@code eventbus:feed} command, health over Karaf's HTTP port, {@code bin/stop}. One Karaf for the whole class; the
 * tests run in order, each building on the last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path LISTINGS_FEED = Path.of("samples/listings/raw.jsonl").toAbsolutePath();
    private static final int REDIS_EVENTS = 1_000;

    private final String topic = "karafit" + UUID.randomUUID().toString().substring(0, 8) + ".orders";
    private final String prefix = "karaf-it-" + UUID.randomUUID() + ":";
    private KarafInstance karaf;
    private Path routes;
    private Path redisRoute;
    /** The command line's configuration: the same Redis and stream prefix as the bus in Karaf. */
    private Path cliConfig;

    @BeforeAll
    void startKaraf() throws Exception {
        RedisService.requireRunning();
        karaf = new KarafInstance(Path.of("target/karaf-it"));
        routes = Files.createDirectories(karaf.home.resolve("etc/eventbus/routes"));
        redisRoute = routes.resolve("relay.camel.yaml");
        Files.writeString(karaf.home.resolve("etc/io.eventbus.cfg"), String.join("\n",
                "# the same keys as application.properties and eventbus run --config",
                "eventbus.transport = memory",
                "eventbus.reload.interval = 200",
                "eventbus.redis.uri = " + RedisService.URI,
                "eventbus.redis.stream-prefix = " + prefix,
                "eventbus.topics." + topic + ".transport = redis",
                "eventbus.topics." + topic + ".done.transport = redis",
                "eventbus.topics." + topic + ".java.transport = redis", ""));
        cliConfig = Files.writeString(karaf.home.resolve("cli.properties"), String.join("\n",
                "eventbus.transport = redis", "eventbus.redis.uri = " + RedisService.URI,
                "eventbus.redis.stream-prefix = " + prefix, ""));
        karaf.start();
        karaf.shell("feature:repo-add mvn:io.eventbus/camel-eventbus/0.1.0-SNAPSHOT/xml/features");
    }

    @AfterAll
    void killWhatIsLeft() {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    @Order(1)
    void theListingsSampleRunsOnTheInMemoryTransportWithTheSameFiguresAsEventbusRun() throws Exception {
        Files.copy(Path.of("routes/listings.camel.yaml"), routes.resolve("listings.camel.yaml"));
        karaf.shell("feature:install camel-eventbus");
        await().atMost(Duration.ofSeconds(60)).until(() -> karaf.count("routes [listings-pipeline] replace []") == 1);

        JsonNode inKaraf = lastJsonLine(karaf.shell("eventbus:feed --topic listings.raw " + LISTINGS_FEED));
        JsonNode standalone = JSON.readTree(CliRun.of("run", "--feed", LISTINGS_FEED.toString(), "--topic",
                "listings.raw", "--until-idle").lastLine());

        for (String figure : List.of("published", "processed", "dead_lettered", "deduplicated")) {
            assertEquals(standalone.get(figure).asInt(), inKaraf.get(figure).asInt(), figure + ": Karaf " + inKaraf
                    + ", eventbus run " + standalone);
        }
        assertEquals(inKaraf.get("published").asInt(), inKaraf.get("processed").asInt()
                + inKaraf.get("dead_lettered").asInt() + inKaraf.get("deduplicated").asInt(), inKaraf.toString());
        HttpResponse<String> health = get("/eventbus/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\" : \"UP\""), health.body());
        assertTrue(get("/eventbus/metrics").body().contains("eventbus_events_published_total"));
    }

    @Test
    @Order(2)
    void aRouteOnRedisNeedsOnlyTheRedisFeatureAndLosesNothing() throws Exception {
        write(redisRoute, relay(1));
        await().atMost(Duration.ofSeconds(60)).until(() -> karaf.count("feature:install camel-eventbus-redis") >= 1);
        assertTrue(karaf.log().contains("relay.camel.yaml"), "the refusal names the route file");

        karaf.shell("feature:install camel-eventbus-redis");
        write(redisRoute, relay(1) + "# installed the redis feature\n"); // tried again
        await().atMost(Duration.ofSeconds(90)).until(() -> karaf.count("routes [karaf-redis-relay] replace") >= 1);
        String bundles = karaf.shell("bundle:list -t 0 -s");
        assertTrue(bundles.contains("io.lettuce.lettuce-core"), bundles);
        assertFalse(bundles.contains("org.apache.kafka.kafka-clients"), "no Kafka client: " + bundles);
        assertFalse(bundles.contains("spring-amqp") || bundles.contains("spring-rabbit"), "no Spring AMQP: " + bundles);

        Set<String> published = publish(REDIS_EVENTS, "a");
        assertEquals(published, relayed(published.size()), "every event relayed by the route in Karaf");
    }

    @Test
    @Order(3)
    void aRouteFileEditedWhileEventsFlowTakesOverAndABrokenOneIsRefused() throws Exception {
        long reloadsBefore = karaf.count("routes [karaf-redis-relay] replace [karaf-redis-relay]");
        CompletableFuture<Set<String>> publishing = CompletableFuture.supplyAsync(() -> publish(REDIS_EVENTS, "b"));
        Thread.sleep(300);
        write(redisRoute, relay(2));
        Set<String> published = publishing.join();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> karaf.count("routes [karaf-redis-relay] replace [karaf-redis-relay]") > reloadsBefore);
        assertEquals(published, relayed(published.size()), "nothing lost across the reload");

        write(redisRoute, "- route:\n    id: karaf-redis-relay\n    from: [unclosed\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> karaf.count("relay.camel.yaml:3: Error pre-parsing") == 1);
        Set<String> afterBroken = publish(100, "c");
        assertEquals(afterBroken, relayed(afterBroken.size()), "the old route kept running");
    }

    @Test
    @Order(4)
    void aJavaRouteFileCompilesInKarafAndOneThatDoesNotIsRefusedWithItsLine() throws Exception {
        Path javaRoute = routes.resolve("JavaRelay.java");
        write(javaRoute, javaRelay().replace(".to(target);", ".to(target)"));
        await().atMost(Duration.ofSeconds(60)).until(() -> karaf.count("JavaRelay.java:") >= 1);
        String log = karaf.log();
        assertTrue(log.contains("JavaRelay.java:21: does not compile: ';' expected"), log.lines()
                .filter(l -> l.contains("JavaRelay.java")).toList().toString());

        write(javaRoute, javaRelay());
        await().atMost(Duration.ofSeconds(90)).until(() -> karaf.count("routes [karaf-java-relay] replace []") == 1);
        Set<String> published = publish(200, "java");
        assertEquals(published, relayed(topic + ".java", published.size()),
                "every event relayed by the Java route compiled in Karaf");
    }

    @Test
    @Order(5)
    void aSchemaFolderChangeIsAppliedAndABrokenSchemaRefused() throws Exception {
        Path schema = Files.createDirectories(karaf.home.resolve("etc/eventbus/schemas/karaf_it_event"))
                .resolve("1.json");
        write(schema, "{\"type\": \"object\", \"required\": [");
        await().atMost(Duration.ofSeconds(60)).until(() -> karaf.count("not reloaded, the schemas loaded before "
                + "keep validating: invalid JSON Schema") == 1);
        assertTrue(karaf.log().contains("karaf_it_event/1.json"), "the refusal names the file");

        write(schema, "{\"type\": \"object\", \"required\": [\"n\"]}");
        await().atMost(Duration.ofSeconds(60)).until(() -> karaf.count("JSON Schemas in ") == 2
                && karaf.log().contains("reloaded: "));
    }

    @Test
    @Order(6)
    void stoppingKarafLeavesNoProcessBehind() throws Exception {
        assertTrue(karaf.stop(Duration.ofSeconds(90)), "Karaf stopped within 90 s");
        await().atMost(Duration.ofSeconds(30)).until(() -> karaf.processes().isEmpty());
        assertFalse(KarafInstance.portOpen(karaf.sshPort), "the shell's port is closed");
        assertFalse(KarafInstance.portOpen(karaf.httpPort), "the HTTP port is closed");
    }

    /**
     * Replaces a route file as editors and deployment tools do, whole (written beside it, then renamed): a file
     * rewritten in place can be read half-written, which the bus rightly refuses ("Resource is empty").
     */
    private static void write(Path file, String content) throws java.io.IOException {
        Path next = file.resolveSibling("." + file.getFileName() + ".next");
        Files.writeString(next, content);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The relay route: consumes the topic in Karaf and republishes each event, same id, to {@code <topic>.done}. */
    private String relay(int version) {
        return """
                # version %d
                - route:
                    id: karaf-redis-relay
                    from:
                      uri: bus:%s
                      parameters: {group: karaf}
                      steps:
                        - delay: {constant: 1}
                        - to: bus:%s.done
                """.formatted(version, topic, topic);
    }

    /**
     * A Java DSL route relaying the topic, in group {@code java}, to {@code <topic>.java}; it uses a Camel class, a
     * class of the bus and a nested class, all of which the compiler must find in Karaf's bundles. Line 21 is the
     * {@code .to(target);} line.
     */
    private String javaRelay() {
        return """
                package it.karaf;

                import org.apache.camel.Exchange;
                import org.apache.camel.builder.RouteBuilder;

                import io.eventbus.envelope.Envelope;

                public class JavaRelay extends RouteBuilder {

                    record Hop(String id) {
                    }

                    @Override
                    public void configure() {
                        String source = "bus:%s?group=java&startFrom=LATEST";
                        String target = "bus:%s.java";
                        from(source)
                                .routeId("karaf-java-relay")
                                .process(this::mark)
                                .log("java relay ${header.Hop}")
                                .to(target);
                    }

                    private void mark(Exchange exchange) {
                        exchange.getIn().setHeader("Hop", new Hop(exchange.getIn().getBody(Envelope.class).getEventId()));
                    }
                }
                """.formatted(topic, topic);
    }

    /** Publishes {@code count} events to the topic with the eventbus command line; returns their ids. */
    private Set<String> publish(int count, String batch) {
        try {
            Path file = karaf.home.resolve("events-" + batch + ".jsonl");
            List<String> lines = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                lines.add("{\"event_id\":\"" + id + "\",\"event_type\":\"order_placed\",\"source\":\"karaf-it\","
                        + "\"data\":{\"n\":" + i + "}}");
            }
            Files.write(file, lines);
            CliRun run = CliRun.of("publish", "--config", cliConfig.toString(), "--topic", topic, file.toString());
            assertEquals(0, run.exitCode(), run.err());
            return ids;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The distinct ids of {@code expected} events read from {@code <topic>.done} (a duplicate is allowed). */
    private Set<String> relayed(int expected) throws Exception {
        return relayed(topic + ".done", expected);
    }

    /** The distinct ids of {@code expected} events read from {@code target} (a duplicate is allowed). */
    private Set<String> relayed(String target, int expected) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        CliRun run = CliRun.of("consume", "--config", cliConfig.toString(), "--topic", target, "--group", "it",
                "--max", String.valueOf(expected), "--idle-timeout", "60");
        assertEquals(0, run.exitCode(), run.err());
        for (String line : run.out().strip().split("\n")) {
            if (!line.isBlank()) {
                seen.merge(JSON.readTree(line).get("event_id").asText(), 1, Integer::sum);
            }
        }
        return seen.keySet();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + karaf.httpPort + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode lastJsonLine(String output) throws Exception {
        String[] lines = output.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].strip().startsWith("{")) {
                return JSON.readTree(lines[i].strip());
            }
        }
        throw new AssertionError("no summary line in:\n" + output);
    }
}
