package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eventbus dlq} run in process against the Redis on 127.0.0.1:6379: 10 dead letters of two types written by
 * a failing route, plus one unreadable line fed by {@code eventbus publish}; then stats, list, show, replay (dry run,
 * to another topic, not replayable) and purge (refused without {@code --yes}), with their exit codes and messages.
 */
class DlqCommandIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private String topic;
    private Path config;
    private final List<Envelope> published = new ArrayList<>();


    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @BeforeEach
    void deadLetterElevenEvents() throws Exception {
        topic = "dlq-cli-" + UUID.randomUUID().toString().substring(0, 8) + ".orders";
        config = dir.resolve("redis.properties");
        Files.writeString(config, "eventbus.transport = redis\neventbus.redis.uri = " + RedisService.URI
                + "\neventbus.deadletter.failed-topic = none\n");
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "redis");
        props.put("eventbus.redis.uri", RedisService.URI);
        props.put("eventbus.deadletter.failed-topic", "none");
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(EventBusErrorHandler.deadLetterChannel());
                from("bus:" + topic + "?group=workers").routeId("workers").process(e -> {
                    Envelope event = e.getIn().getBody(Envelope.class);
                    throw event.getEventType().equals("order_created") ? new FatalException("order rejected")
                            : new IllegalStateException("refund service misconfigured");
                });
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            for (int n = 0; n < 10; n++) {
                Envelope event = Envelope.create(n % 2 == 0 ? "order_created" : "refund_issued", "cli-suite",
                        MAPPER.createObjectNode().put("n", n));
                template.sendBody("bus:" + topic, event);
                published.add(event);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> length(topic + ".dlq") == 10);
        } finally {
            context.stop();
        }
        Path feed = dir.resolve("broken.jsonl");
        Files.writeString(feed, "{not json\n");
        CliRun fed = cli("publish", "--config", config.toString(), "--topic", topic, feed.toString());
        assertEquals(0, fed.exitCode(), fed.err());
        assertEquals(11, length(topic + ".dlq"));
    }

    @AfterEach
    void deleteStreams() {
        RedisClient client = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().del(topic, topic + ".dlq", topic + ".audit");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void listShowStatsReplayAndPurgeFromTheCommandLine() throws Exception {
        CliRun stats = dlq("stats", "--json");
        assertEquals(0, stats.exitCode(), stats.err());
        JsonNode counts = MAPPER.readTree(stats.out());
        assertEquals(11, counts.get("total").asInt());
        assertEquals(MAPPER.readTree("{\"invalid_event\":1,\"order_created\":5,\"refund_issued\":5}"),
                counts.get("by_event_type"));
        assertEquals(MAPPER.readTree("{\"FatalException\":5,\"IllegalStateException\":5,"
                + "\"InvalidEnvelopeException\":1}"), counts.get("by_error_type"));

        CliRun table = dlq("list", "--event-type", "refund_issued", "--size", "3", "--page", "2");
        assertEquals(0, table.exitCode(), table.err());
        String[] lines = table.out().strip().split("\n");
        assertEquals(4, lines.length, table.out()); // header, the 2 on page 2, summary
        assertTrue(lines[0].startsWith("POSITION"), lines[0]);
        assertTrue(lines[3].startsWith(topic + ".dlq on redis: 5 dead letters, page 2 of 2, newest first"), lines[3]);
        JsonNode newest = MAPPER.readTree(dlq("list", "--json", "--size", "1").out()).get("dead_letters").get(0);
        assertEquals("invalid_event", newest.get("event_type").asText(), "the fed line came last, so it is newest");

        String id = published.get(1).getEventId();
        JsonNode shown = MAPPER.readTree(dlq("show", "--id", id, "--json").out()).get("dead_letters").get(0);
        assertEquals(id, shown.at("/envelope/event_id").asText());
        assertEquals("refund service misconfigured", shown.at("/envelope/metadata/last_error").asText());
        CliRun unknown = dlq("show", "--id", "no-such-id");
        assertEquals(1, unknown.exitCode());
        assertEquals("show: no dead letter with event_id no-such-id in " + topic + ".dlq", unknown.err().strip());
        CliRun badTime = dlq("list", "--since", "yesterday");
        assertEquals(2, badTime.exitCode());
        assertTrue(badTime.err().contains("--since: expected an ISO-8601 time"), badTime.err());

        // a dry run, then the refunds replayed to another topic; the unreadable line cannot be replayed
        JsonNode dry = MAPPER.readTree(dlq("replay", "--event-type", "refund_issued", "--to", topic + ".audit",
                "--dry-run", "--json").out());
        assertEquals(5, dry.get("replayed").asInt());
        assertTrue(dry.get("dry_run").asBoolean());
        assertEquals(11, length(topic + ".dlq"));
        CliRun replay = dlq("replay", "--error-type", "IllegalStateException", "--to", topic + ".audit", "--rate",
                "100");
        assertEquals(0, replay.exitCode(), replay.err());
        assertTrue(replay.out().strip().endsWith(topic + ".dlq: replayed 5, parked 0 (max_replays 3), "
                + "not replayable 0, failed 0"), replay.out());
        assertEquals(5, length(topic + ".audit"));
        assertEquals(6, length(topic + ".dlq"));
        JsonNode notReplayable = MAPPER.readTree(dlq("replay", "--grep", "NOT VALID JSON", "--json").out());
        assertEquals(1, notReplayable.get("not_replayable").asInt());
        assertTrue(notReplayable.at("/outcomes/0/reason").asText().startsWith("the input was not JSON"));

        // purge asks for --yes and removes nothing without it
        CliRun refused = dlq("purge", "--event-type", "order_created");
        assertEquals(2, refused.exitCode());
        assertEquals("purge: purge removes dead letters for good: add --yes to confirm, or --dry-run to see what it "
                + "would remove", refused.err().strip());
        assertEquals(6, length(topic + ".dlq"));
        JsonNode purged = MAPPER.readTree(dlq("purge", "--event-type", "order_created", "--yes", "--json").out());
        assertEquals(5, purged.get("purged").asInt());
        Set<String> orders = new HashSet<>();
        published.stream().filter(e -> e.getEventType().equals("order_created"))
                .forEach(e -> orders.add(e.getEventId()));
        Set<String> purgedIds = new HashSet<>();
        purged.get("event_ids").forEach(n -> purgedIds.add(n.asText()));
        assertEquals(orders, purgedIds);
        assertEquals(1, MAPPER.readTree(dlq("stats", "--json").out()).get("total").asInt());
    }

    @Test
    void aTopicWithoutDeadLettersOrOnTheMemoryTransportIsAPreciseError() {
        CliRun missing = cli("dlq", "list", "--config", config.toString(), "--topic", "no-such-topic-" + topic);
        assertEquals(2, missing.exitCode());
        assertEquals("list: no dead-letter stream no-such-topic-" + topic + ".dlq on Redis at 127.0.0.1:6379 "
                + "(nothing was dead-lettered from no-such-topic-" + topic + ")", missing.err().strip());
        CliRun memory = cli("dlq", "stats", "--topic", topic);
        assertEquals(2, memory.exitCode());
        assertTrue(memory.err().contains("is on the memory transport, which lives inside one process"), memory.err());
    }

    private CliRun dlq(String command, String... args) {
        List<String> all = new ArrayList<>(List.of("dlq", command, "--config", config.toString(), "--topic", topic));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    private static long length(String stream) {
        RedisClient client = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().xlen(stream);
        } finally {
            client.shutdown();
        }
    }

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }
}
