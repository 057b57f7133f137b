package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eventbus groups}, {@code groups delete} and {@code groups prune} on Redis: a running application's group
 * ({@code billing}) and a group whose service is gone ({@code archive}, no consumer, 3 events it never received).
 * Listing shows both with lag, members and idle time; deleting or pruning never touches the live one and drops the
 * abandoned one. Needs Redis on 127.0.0.1:6379; the streams get a unique prefix.
 */
class GroupsCommandIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String prefix = "groups-cli-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private final String topic = "orders";
    private final RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    private final StatefulRedisConnection<String, String> redis = client.connect();

    @TempDir
    Path dir;

    private CamelContext context;

    @AfterEach
    void cleanUp() {
        if (context != null) {
            context.stop();
        }
        List<String> keys = redis.sync().keys(prefix + "*");
        if (!keys.isEmpty()) {
            redis.sync().del(keys.toArray(String[]::new));
        }
        redis.close();
        client.shutdown();
    }

    @Test
    void listsDeletesAndPrunesTheGroupsOfATopic() throws Exception {
        Path config = Files.writeString(dir.resolve("groups.properties"),
                "eventbus.transport = redis\neventbus.redis.stream-prefix = " + prefix + "\n");
        Set<String> billed = ConcurrentHashMap.newKeySet();
        startBilling(config, billed);
        redis.sync().xgroupCreate(XReadArgs.StreamOffset.latest(prefix + topic), "archive",
                XGroupCreateArgs.Builder.mkstream());
        Set<String> published = publish(3);
        await().atMost(WAIT).until(() -> billed.size() == published.size());
        assertEquals(published, billed);

        CliRun list = CliRun.of("groups", "--config", config.toString(), "--topic", topic, "--json");
        assertEquals(0, list.exitCode(), list.err());
        JsonNode archive = group(list.out(), "archive");
        assertEquals("redis", archive.get("transport").asText());
        assertEquals(3, archive.get("lag").asLong(), list.out());
        assertEquals(0, archive.get("consumers").asInt(), list.out());
        assertTrue(archive.get("idle_ms").isNumber(), list.out());
        JsonNode billing = group(list.out(), "billing");
        assertEquals(0, billing.get("lag").asLong(), list.out());
        assertEquals(1, billing.get("consumers").asInt(), list.out());
        CliRun table = CliRun.of("groups", "--config", config.toString(), "--topic", topic);
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("redis") && l.contains("archive")), table.out());

        CliRun refused = CliRun.of("groups", "delete", "--config", config.toString(), "--topic", topic,
                "--group", "billing");
        assertEquals(1, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("live member"), refused.err());

        await().atMost(WAIT).until(() -> group(CliRun.of("groups", "--config", config.toString(), "--topic", topic,
                "--json").out(), "archive").get("idle_ms").asLong() >= 1000);
        CliRun dryRun = CliRun.of("groups", "prune", "--config", config.toString(), "--topic", topic,
                "--idle-for", "1s", "--dry-run");
        assertEquals(0, dryRun.exitCode(), dryRun.err());
        assertTrue(dryRun.out().contains("would drop redis " + topic + " archive"), dryRun.out());
        assertEquals(Set.of("archive", "billing"), groupNames());

        CliRun prune = CliRun.of("groups", "prune", "--config", config.toString(), "--topic", topic,
                "--idle-for", "1s");
        assertEquals(0, prune.exitCode(), prune.err());
        assertTrue(prune.out().contains("dropped redis " + topic + " archive (no member for"), prune.out());
        assertTrue(prune.out().contains("lag 3"), prune.out());
        assertTrue(prune.out().lines().noneMatch(l -> l.contains("billing") && l.startsWith("dropped")), prune.out());
        assertEquals(Set.of("billing"), groupNames());

        context.stop();
        context = null;
        CliRun delete = CliRun.of("groups", "delete", "--config", config.toString(), "--topic", topic,
                "--group", "billing");
        assertEquals(0, delete.exitCode(), delete.err());
        assertTrue(delete.out().contains("deleted consumer group billing of topic " + topic + " on redis"),
                delete.out());
        assertEquals(Set.of(), groupNames());
        CliRun again = CliRun.of("groups", "delete", "--config", config.toString(), "--topic", topic,
                "--group", "billing");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("has no consumer group billing"), again.err());
        assertEquals(3, redis.sync().xlen(prefix + topic), "deleting groups deletes no event");
    }

    @Test
    void pruneRefusesADurationItCannotRead() {
        CliRun run = CliRun.of("groups", "prune", "--transport", "redis", "--topic", topic, "--idle-for", "a week");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("not a duration: \"a week\""), run.err());
    }

    private void startBilling(Path config, Set<String> billed) throws Exception {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(config)) {
            props.load(reader);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=billing").routeId("billing")
                        .process(e -> billed.add(e.getMessage().getHeader(BusConstants.EVENT_ID, String.class)));
            }
        });
        context.start();
    }

    private Set<String> publish(int count) {
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            Envelope event = Envelope.create("order_placed", "groups-it", MAPPER.createObjectNode().put("n", i));
            template.sendBody("bus:" + topic, event);
            ids.add(event.getEventId());
        }
        return ids;
    }

    private Set<String> groupNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Object group : redis.sync().xinfoGroups(prefix + topic)) {
            List<?> fields = (List<?>) group;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("name".equals(String.valueOf(fields.get(i)))) {
                    names.add(String.valueOf(fields.get(i + 1)));
                }
            }
        }
        return names;
    }

    private static JsonNode group(String json, String name) throws Exception {
        for (JsonNode group : MAPPER.readTree(json).get("groups")) {
            if (group.get("group").asText().equals(name)) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + json);
    }
}
