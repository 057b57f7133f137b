package io.eventbus.runtime;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.OutboundMessages;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eventbus run} with known secrets: an encryption key, a Redis password on the URI of a Redis that is down
 * (a closed loopback port), a password of a Redis ACL user that does not exist against the real Redis, and a wrong
 * RabbitMQ password against the real RabbitMQ. The test drives failures (publishes to the broker that is down, an
 * event the route refuses, an event whose encrypted data was altered, requests to health, metrics and the
 * dead-letter API) and looks for every secret, and the key's bytes in hex, in everything the application produced:
 * its log (every level the root logger passes, with stack traces), standard output and error, the HTTP answers,
 * the errors thrown to the caller and the dead letters as stored on the topic. The dead letters of the encrypted
 * topic hold no plain data either.
 */
class SecretsNeverLeakIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CARD = "4111-1111-1111-1111";

    @TempDir
    Path dir;

    @Test
    void noSecretAppearsInLogsHealthMetricsErrorsOrDeadLetters() throws Exception {
        byte[] rawKey = new byte[32];
        new SecureRandom().nextBytes(rawKey);
        String key = Base64.getEncoder().encodeToString(rawKey);
        String downPassword = "down-" + UUID.randomUUID();
        String redisPassword = "redis-" + UUID.randomUUID();
        String rabbitPassword = "rabbit-" + UUID.randomUUID();
        List<String> secrets = List.of(key, HexFormat.of().formatHex(rawKey), downPassword, redisPassword,
                rabbitPassword);
        String topic = "leak-" + UUID.randomUUID().toString().substring(0, 8);
        Seen.reset();
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("leak.camel.yaml"), """
                - route:
                    id: secret-consumer
                    from:
                      uri: bus:%1$s.secret
                      parameters: {group: app}
                      steps:
                        - bean: {beanType: "io.eventbus.runtime.SecretsNeverLeakIT$Seen", method: secret}
                - route:
                    id: down-consumer
                    from:
                      uri: bus:%1$s.down
                      parameters: {group: app}
                      steps:
                        - bean: {beanType: "io.eventbus.runtime.SecretsNeverLeakIT$Seen", method: other}
                - route:
                    id: keepalive
                    from:
                      uri: timer:keepalive?period=200
                      steps:
                        - bean: {beanType: "io.eventbus.runtime.SecretsNeverLeakIT$Seen", method: tick}
                """.formatted(topic));
        int closedPort = RedisService.freePort();
        Path config = Files.writeString(dir.resolve("app.properties"), String.join("\n",
                "eventbus.transport = memory",
                "eventbus.topics." + topic + ".secret.encryption = aes-256-gcm",
                "eventbus.encryption.key-ids = k1",
                "eventbus.encryption.key.k1.secret = " + key,
                "eventbus.encryption.current-key = k1",
                "eventbus.topics." + topic + ".down.transport = redis",
                "eventbus.redis.uri = redis://:" + downPassword + "@127.0.0.1:" + closedPort,
                "eventbus.redis.block = 200", ""));
        int httpPort = RedisService.freePort();
        String base = "http://127.0.0.1:" + httpPort;
        List<String> seen = new CopyOnWriteArrayList<>();

        try (CapturedLog log = CapturedLog.attach()) {
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("run", "--routes",
                    routes.toString(), "--config", config.toString(), "--until-idle", "--idle-seconds", "2",
                    "--http-port", String.valueOf(httpPort)));
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> run.isDone() || Seen.context != null);
                assertFalse(run.isDone(), () -> "eventbus run ended: " + run.join());
                CamelContext context = Seen.context;
                ProducerTemplate template = context.createProducerTemplate();
                String secretTopic = topic + ".secret";

                Envelope good = Envelope.create("payment_captured", "it", MAPPER.createObjectNode()
                        .put("card", CARD));
                Envelope refused = Envelope.create("payment_captured", "it", MAPPER.createObjectNode()
                        .put("card", CARD).put("refuse", true));
                template.sendBody("bus:" + secretTopic, good);
                template.sendBody("bus:" + secretTopic, refused);
                // an event whose encrypted data was altered on the broker
                BusComponent bus = context.getComponent("bus", BusComponent.class);
                byte[] encrypted = bus.formatOf(secretTopic).write(Envelope.create("payment_captured", "it",
                        MAPPER.createObjectNode().put("card", CARD)).setPublishedAt("2026-12-02T10:00:00Z"), null);
                String tamperedJson = new String(encrypted, StandardCharsets.UTF_8);
                String data = MAPPER.readTree(encrypted).get("data").asText();
                byte[] cipherText = Base64.getDecoder().decode(data);
                cipherText[0] ^= 1;
                tamperedJson = tamperedJson.replace(data, Base64.getEncoder().encodeToString(cipherText));
                Envelope tampered = bus.getValidator().codec().decode(tamperedJson.getBytes(StandardCharsets.UTF_8));
                bus.transportFor(secretTopic).bindProducer(secretTopic).publish(OutboundMessages.of(tampered,
                        tamperedJson.getBytes(StandardCharsets.UTF_8)));

                // the broker that is down: the publish fails, and its error is what a caller sees
                try {
                    template.sendBody("bus:" + topic + ".down", Envelope.create("x", "it", new TextNode("y")));
                } catch (Exception e) {
                    seen.add(stackTrace(e));
                }

                await().atMost(Duration.ofSeconds(30)).until(() -> Seen.secret.size() == 1
                        && deadLetters(base, secretTopic).size() == 2);
                assertEquals(Set.of(good.getEventId()), Seen.secret.keySet());
                assertEquals(CARD, Seen.secret.get(good.getEventId()), "the route sees the data decrypted");

                for (String path : List.of("/observe/health/ready?data=true", "/observe/health/live",
                        "/observe/health", "/observe/metrics", "/dlq/" + secretTopic, "/dlq/" + secretTopic
                                + "/stats", "/dlq/" + secretTopic + "/events/" + tampered.getEventId(), "/dlq/"
                                        + topic + ".down")) {
                    seen.add(path + " -> " + get(base + path));
                }
                // the dead letters as stored on the topic: still encrypted, the reason readable
                for (byte[] stored : storedDeadLetters(bus, secretTopic)) {
                    String letter = new String(stored, StandardCharsets.UTF_8);
                    seen.add(letter);
                    assertFalse(letter.contains(CARD), "a dead letter of an encrypted topic is encrypted: " + letter);
                    assertTrue(letter.contains("data_encoding"), letter);
                }
                assertTrue(seen.stream().anyMatch(s -> s.contains("authentication failed")),
                        "the altered event was dead-lettered with the reason");

                context.getRouteController().stopRoute("keepalive");
                CliRun done = run.get(60, TimeUnit.SECONDS);
                seen.add(done.out());
                seen.add(done.err());
            } finally {
                if (Seen.context != null && !run.isDone()) {
                    Seen.context.getRouteController().stopRoute("keepalive");
                    run.get(60, TimeUnit.SECONDS);
                }
            }

            // wrong credentials against the real brokers: the start fails or the transport stays down, secretly
            for (String transport : List.of("redis", "rabbitmq")) {
                Path bad = Files.writeString(dir.resolve(transport + ".properties"), String.join("\n",
                        "eventbus.transport = " + transport,
                        "eventbus.redis.uri = redis://127.0.0.1:6379",
                        // the Redis of the tests lets its default user in with any password: an ACL user that does
                        // not exist is refused (WRONGPASS), without changing the server's configuration
                        "eventbus.redis.username = leak" + UUID.randomUUID().toString().substring(0, 8),
                        "eventbus.redis.password = " + redisPassword,
                        "eventbus.rabbitmq.uri = amqp://127.0.0.1:5672",
                        "eventbus.rabbitmq.username = guest",
                        "eventbus.rabbitmq.password = " + rabbitPassword, ""));
                Path feed = Files.writeString(dir.resolve("feed.jsonl"), "{\"event_type\": \"x\", \"data\": {}}\n");
                CliRun failed = CliRun.of("run", "--routes", Files.createDirectories(dir.resolve("none")).toString(),
                        "--config", bad.toString(), "--feed", feed.toString(), "--topic", topic + "." + transport,
                        "--until-idle", "--idle-seconds", "1");
                assertTrue(failed.exitCode() != 0, transport + " with a wrong password: " + failed);
                seen.add(failed.out());
                seen.add(failed.err());
            }
            seen.addAll(log.lines());
        }

        String everything = String.join("\n", seen);
        assertTrue(everything.contains("k1"), "the key id may be named");
        for (String secret : secrets) {
            assertFalse(everything.contains(secret), () -> "a secret leaked: " + excerpt(everything, secret));
        }
    }

    private static String excerpt(String text, String secret) {
        int at = text.indexOf(secret);
        return text.substring(Math.max(0, at - 300), Math.min(text.length(), at + secret.length() + 100));
    }

    private static List<String> deadLetters(String base, String topic) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dlq/" + topic))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        List<String> ids = new ArrayList<>();
        if (page.statusCode() == 200) {
            MAPPER.readTree(page.body()).path("dead_letters").forEach(l -> ids.add(l.path("event_id").asText()));
        }
        return ids;
    }

    private static List<byte[]> storedDeadLetters(BusComponent bus, String topic) throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        try (DeadLetterBrowse browse = bus.transportFor(topic).deadLetterStore().orElseThrow()
                .browse(topic + ".dlq", 100)) {
            browse.entries().forEach(entry -> bodies.add(entry.body()));
        }
        return bodies;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static String stackTrace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    /** What the routes of the run saw, and its CamelContext. */
    public static final class Seen {
        static volatile CamelContext context;
        static final Map<String, String> secret = new ConcurrentHashMap<>();

        static void reset() {
            context = null;
            secret.clear();
        }

        public void tick(Exchange exchange) {
            context = exchange.getContext();
        }

        public void secret(Exchange exchange) {
            Envelope event = exchange.getIn().getBody(Envelope.class);
            if (event.getData().path("refuse").asBoolean()) {
                throw new FatalException("refused by the route");
            }
            secret.put(event.getEventId(), event.getData().path("card").asText());
        }

        public void other(Exchange exchange) {
        }
    }

    /** Every log event of every logger at DEBUG and above, with its stack trace, as text. */
    private static final class CapturedLog extends AbstractAppender implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private Level before;
        private final List<String> pinned = new ArrayList<>();

        private CapturedLog() {
            super("secrets-never-leak", null, null, true, Property.EMPTY_ARRAY);
        }

        /**
         * Root at DEBUG, with the loggers the shipped log4j2.properties pins to a level of their own (the test JVM
         * runs with the tests' logging configuration): what an operator who turns on DEBUG gets.
         */
        static CapturedLog attach() throws IOException {
            CapturedLog log = new CapturedLog();
            log.start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            log.before = context.getConfiguration().getRootLogger().getLevel();
            context.getConfiguration().getRootLogger().setLevel(Level.DEBUG);
            context.getConfiguration().getRootLogger().addAppender(log, Level.DEBUG, null);
            java.util.Properties shipped = new java.util.Properties();
            try (var in = Files.newInputStream(Path.of("src/main/resources/log4j2.properties"))) {
                shipped.load(in);
            }
            for (String name : shipped.stringPropertyNames()) {
                if (name.startsWith("logger.") && name.endsWith(".level")) {
                    String logger = shipped.getProperty(name.substring(0, name.length() - "level".length()) + "name");
                    Configurator.setLevel(logger, Level.toLevel(shipped.getProperty(name)));
                    log.pinned.add(logger);
                }
            }
            context.updateLoggers();
            return log;
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : "\n" + stackTrace(event.getThrown())));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().removeAppender(getName());
            context.getConfiguration().getRootLogger().setLevel(before);
            pinned.forEach(logger -> Configurator.setLevel(logger, (Level) null));
            context.updateLoggers();
            stop();
        }
    }
}
