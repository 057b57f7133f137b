package io.eventbus.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.BrokerOutage;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eventbus run} started while the Redis of one of its topics is not there (a free loopback port nobody listens
 * on): it starts, the memory route works, readiness is DOWN for Redis with the reason and liveness UP, a publish to the
 * Redis topic fails at once with a {@link RetryableException} naming host:port. Then a {@code redis-server} is started
 * on that port: readiness turns UP, the Redis consumer attaches and processes every event published from then on.
 */
class RedisStartsWithoutBrokerIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int EVENTS = 200;

    @TempDir
    Path dir;

    @Test
    void startsWithoutRedisAndAttachesWhenItComes() throws Exception {
        Seen.reset();
        int redisPort = RedisService.freePort();
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("nobroker.camel.yaml"), """
                - route:
                    id: redis-consumer
                    from:
                      uri: bus:nobroker.redis
                      parameters: {group: nobroker}
                      steps:
                        - bean: {beanType: "io.eventbus.runtime.RedisStartsWithoutBrokerIT$Seen", method: redis}
                - route:
                    id: memory-consumer
                    from:
                      uri: bus:nobroker.memory
                      parameters: {group: nobroker}
                      steps:
                        - bean: {beanType: "io.eventbus.runtime.RedisStartsWithoutBrokerIT$Seen", method: memory}
                - route:
                    id: keepalive
                    from:
                      uri: timer:keepalive?period=200
                      steps:
                        - bean: {beanType: "io.eventbus.runtime.RedisStartsWithoutBrokerIT$Seen", method: tick}
                """);
        Path config = Files.writeString(dir.resolve("app.properties"), String.join("\n",
                "eventbus.transport = memory",
                "eventbus.topics.nobroker.redis.transport = redis",
                "eventbus.redis.uri = redis://127.0.0.1:" + redisPort,
                "eventbus.redis.block = 200", ""));
        int httpPort = RedisService.freePort();
        String base = "http://127.0.0.1:" + httpPort;

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> EventBusCli.execute("run",
                "--routes", routes.toString(), "--config", config.toString(), "--until-idle", "--idle-seconds", "2",
                "--http-port", String.valueOf(httpPort)));
        Process redis = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.isDone() || Seen.context != null);
            assertFalse(run.isDone(), () -> "eventbus run ended without Redis: exit " + run.join());
            CamelContext context = Seen.context;
            ProducerTemplate template = context.createProducerTemplate();

            // the memory route runs
            Set<String> memoryPublished = BrokerOutage.publish(template, "nobroker.memory", 20);
            BrokerOutage.awaitProcessed(memoryPublished, Seen.memory);

            // readiness DOWN for Redis, with the reason; liveness UP
            HttpResponse<String> ready = get(base + "/observe/health/ready?data=true");
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode health = MAPPER.readTree(ready.body());
            JsonNode transport = ObservabilityHttpTest.check(health, "eventbus-transport-redis");
            assertEquals("DOWN", transport.get("status").asText(), ready.body());
            String reason = transport.get("message").asText();
            assertTrue(reason.contains("127.0.0.1:" + redisPort) && reason.contains("not reachable"), reason);
            assertFalse(transport.get("data").get("connected").asBoolean(), ready.body());
            assertEquals("UP", ObservabilityHttpTest.check(health, "eventbus-transport-memory").get("status").asText(),
                    ready.body());
            HttpResponse<String> live = get(base + "/observe/health/live");
            assertEquals(200, live.statusCode(), live.body());
            assertEquals("UP", MAPPER.readTree(live.body()).get("status").asText(), live.body());

            // a publish to Redis fails at once, retryable, naming where Redis should be
            BrokerOutage.assertPublishFailsFast(template, "nobroker.redis", "127.0.0.1:" + redisPort, 2000);

            // Redis comes: readiness UP, the consumer attaches and processes everything published from then on
            redis = RedisService.launch(List.of("redis-server", "--port", String.valueOf(redisPort), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()), redisPort,
                    dir.resolve("redis.log"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> now = get(base + "/observe/health/ready?data=true");
                assertEquals(200, now.statusCode(), now.body());
            });
            BrokerOutage.awaitProcessed(BrokerOutage.publish(template, "nobroker.redis", EVENTS), Seen.redis);
            assertEquals(EVENTS, Seen.redisDeliveries.size(), "each event processed once");

            context.getRouteController().stopRoute("keepalive");
            assertEquals(0, run.get(60, TimeUnit.SECONDS));
        } finally {
            if (Seen.context != null && !run.isDone()) {
                Seen.context.getRouteController().stopRoute("keepalive");
                run.get(60, TimeUnit.SECONDS);
            }
            if (redis != null) {
                RedisService.kill(redis);
            }
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the routes of the run saw, and its CamelContext (the test publishes through it). */
    public static final class Seen {
        static volatile CamelContext context;
        static final Set<String> memory = ConcurrentHashMap.newKeySet();
        static final Set<String> redis = ConcurrentHashMap.newKeySet();
        static final List<String> redisDeliveries = new java.util.concurrent.CopyOnWriteArrayList<>();

        static void reset() {
            context = null;
            memory.clear();
            redis.clear();
            redisDeliveries.clear();
        }

        public void tick(Exchange exchange) {
            context = exchange.getContext();
        }

        public void memory(Exchange exchange) {
            memory.add(exchange.getIn().getBody(Envelope.class).getEventId());
        }

        public void redis(Exchange exchange) {
            String id = exchange.getIn().getBody(Envelope.class).getEventId();
            redis.add(id);
            redisDeliveries.add(id);
        }
    }
}
