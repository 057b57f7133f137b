package io.eventbus.transport.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.FailedStart;
import io.eventbus.transport.TestCertificates;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Redis transport against a {@code redis-server} of the test's own that speaks TLS only ({@code port 0}, a TLS
 * port; certificates made at test time by {@link TestCertificates}), requires client certificates (Redis's default)
 * and admits one ACL user with a password, the default user being off: the bus connects with {@code rediss://}, the
 * user and password, the authority's PEM certificate as trust store and its client certificate, and every event
 * published is consumed. A wrong password, or a trust store of another authority, fails the start with a message
 * naming Redis and the cause, and never the password.
 */
class RedisTlsAuthIT {

    private static final String USER = "bus-tls-user";
    private static final String PASSWORD = "redis-acl-pass-4f1c9a";
    private static final String WRONG_PASSWORD = "not-the-redis-pass-77d2";

    private static TestCertificates certificates;
    private static Process server;
    private static int port;

    @BeforeAll
    static void startTlsRedis() throws Exception {
        Path dir = Path.of("target", "tls", "redis-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
        certificates = TestCertificates.create(dir);
        port = RedisService.freePort();
        Path config = dir.resolve("redis.conf");
        Files.writeString(config, String.join("\n",
                "port 0",
                "tls-port " + port,
                "bind 127.0.0.1",
                "tls-cert-file " + certificates.serverCertPem,
                "tls-key-file " + certificates.serverKeyPem,
                "tls-ca-cert-file " + certificates.caPem,
                "tls-auth-clients yes",
                "save \"\"",
                "appendonly no",
                "dir " + dir,
                "user default off",
                "user " + USER + " on >" + PASSWORD + " ~* &* +@all", ""));
        Path log = dir.resolve("redis.log");
        try {
            server = new ProcessBuilder("redis-server", config.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (java.io.IOException e) {
            fail("cannot start redis-server (is Redis installed?): " + e.getMessage());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(log) || !Files.readString(log).contains("Ready to accept connections")) {
            if (System.nanoTime() > deadline || !server.isAlive()) {
                server.destroyForcibly();
                fail("redis-server with TLS on port " + port + " did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopTlsRedis() throws InterruptedException {
        if (server != null) {
            RedisService.kill(server);
        }
    }

    @Test
    void eventsGoThroughTlsAsAnAclUser() throws Exception {
        String topic = "tls-it." + UUID.randomUUID().toString().substring(0, 8);
        Set<String> processed = ConcurrentHashMap.newKeySet();
        CamelContext context = context(PASSWORD, certificates.caPem, null);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&concurrency=4").routeId("tls-consumer")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            Set<String> published = new TreeSet<>();
            for (int i = 0; i < 200; i++) {
                Envelope event = BusOverRedisSupport.event(i);
                template.sendBody("bus:" + topic, event);
                published.add(event.getEventId());
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> processed.size() >= published.size());
            assertEquals(published, new TreeSet<>(processed), "published = processed, over TLS");
        } finally {
            context.stop();
        }
    }

    @Test
    void aWrongPasswordFailsTheStartNamingRedisAndTheCause() throws Exception {
        String message = FailedStart.messagesOf(context(WRONG_PASSWORD, certificates.caPem, null), "tls-it.refused");
        assertTrue(message.contains("cannot start the redis transport"), message);
        assertTrue(message.contains("Redis at 127.0.0.1:" + port), message);
        assertTrue(message.contains("WRONGPASS"), message);
        assertNoSecret(message);
    }

    @Test
    void anUntrustedCertificateFailsTheStartNamingRedisAndTheCause() throws Exception {
        String message = FailedStart.messagesOf(context(PASSWORD, certificates.otherTrustStore,
                TestCertificates.STORE_PASSWORD), "tls-it.refused");
        assertTrue(message.contains("cannot start the redis transport"), message);
        assertTrue(message.contains("Redis at 127.0.0.1:" + port), message);
        assertTrue(message.contains("TLS handshake failed"), message);
        assertTrue(message.contains("certification path"), message);
        assertNoSecret(message);
    }

    /** A context on the TLS server as {@link #USER}, trusting {@code trustStore}, with the client certificate. */
    private static CamelContext context(String password, Path trustStore, String trustStorePassword) {
        List<String> props = new java.util.ArrayList<>(List.of(
                "eventbus.redis.username", USER,
                "eventbus.redis.password", password,
                "eventbus.redis.tls-trust-store", trustStore.toString(),
                "eventbus.redis.tls-key-store", certificates.clientKeyStore.toString(),
                "eventbus.redis.tls-key-store-password", TestCertificates.STORE_PASSWORD));
        if (trustStorePassword != null) {
            props.addAll(List.of("eventbus.redis.tls-trust-store-password", trustStorePassword));
        }
        return BusOverRedisSupport.context("rediss://127.0.0.1:" + port, props.toArray(String[]::new));
    }

    private static void assertNoSecret(String message) {
        assertFalse(message.contains(PASSWORD), "the password leaked: " + message);
        assertFalse(message.contains(WRONG_PASSWORD), "the wrong password leaked: " + message);
        assertFalse(message.contains(TestCertificates.STORE_PASSWORD), "a store password leaked: " + message);
    }
}
