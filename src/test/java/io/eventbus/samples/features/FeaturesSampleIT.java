package io.eventbus.samples.features;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.transport.redis.RedisService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feature service sample as its README runs it, from the packaged jar on the Redis on 127.0.0.1:6379 (its streams
 * under a prefix of the test's own): the integrator's events reach the four subscriber routes made from the route
 * template, and what they derive reaches the trainer and analytics groups.
 */
class FeaturesSampleIT {

    private static final Path JAR = Path.of("target/camel-eventbus.jar");

    @TempDir
    Path dir;

    private final String prefix = "features-it-" + UUID.randomUUID() + ".";

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @AfterEach
    void deleteStreams() {
        RedisClient client = RedisClient.create(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> keys = connection.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*"));
                if (!keys.getKeys().isEmpty()) {
                    connection.sync().del(keys.getKeys().toArray(String[]::new));
                }
                cursor = keys;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Test
    void theIntegratorsEventsReachTheTemplatedSubscribersAndTheirDownstreamGroups() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package before the integration tests");
        Path config = dir.resolve("application.properties");
        Files.writeString(config, Files.readString(Path.of("samples/features/application.properties"))
                + "\neventbus.redis.stream-prefix = " + prefix + "\n");
        Path stdout = dir.resolve("stdout.log");
        Path stderr = dir.resolve("stderr.log");
        Process process = new ProcessBuilder("java", "-jar", JAR.toAbsolutePath().toString(), "run", "--config",
                config.toString(), "--routes", "samples/features/routes", "--feed", "samples/features/integrator.jsonl",
                "--topic", "integrator.outbox", "--until-idle", "--idle-seconds", "5", "--http-port", "0")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertTrue(process.waitFor(180, TimeUnit.SECONDS), "stopped once idle");
        } finally {
            process.destroyForcibly();
        }
        List<String> log = Files.readAllLines(stderr);
        assertEquals(0, process.exitValue(), String.join("\n", log));
        List<String> out = Files.readAllLines(stdout);
        JsonNode summary = new ObjectMapper().readTree(out.get(out.size() - 1));

        // 10 = 9 + 1: line 9's schema_version "1.0" is dead-lettered at the feed
        assertEquals(10, summary.get("published").asInt(), summary.toString());
        assertEquals(9, summary.get("processed").asInt(), summary.toString());
        assertEquals(1, summary.get("dead_lettered").asInt(), summary.toString());
        JsonNode byTopic = summary.get("by_topic");
        // each of the four streams read by its subscriber route, made from the feature-subscriber template
        assertEquals(3, byTopic.get("sales-updates").get("processed").asInt(), summary.toString());
        assertEquals(2, byTopic.get("stock-updates").get("processed").asInt(), summary.toString());
        assertEquals(2, byTopic.get("bom-updates").get("processed").asInt(), summary.toString());
        assertEquals(2, byTopic.get("products-updates").get("processed").asInt(), summary.toString());
        // downstream: 7 features_updated to the trainer, 2 bom_exploded to analytics
        assertEquals(7, byTopic.get("features-updates").get("processed").asInt(), summary.toString());
        assertEquals(2, byTopic.get("bom-exploded").get("processed").asInt(), summary.toString());
        assertEquals(7, log.stream().filter(l -> l.contains("trainer-group: features ready for client-")).count());
        assertEquals(2, log.stream().filter(l -> l.contains("analytics-group: BOM exploded for client-")).count());
    }
}
