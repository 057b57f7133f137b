package io.eventbus.transport.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.FailedStart;
import io.eventbus.transport.TestCertificates;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka transport against a broker of the test's own ({@link SaslSslKafkaBroker}) whose only client listener is
 * SASL_SSL with SCRAM: the bus connects with {@code security-protocol=SASL_SSL}, SCRAM-SHA-512, a user and password
 * and a trust store of the authority that signed the broker's certificate, and every event published is consumed.
 * A wrong password, or a trust store of another authority (a PEM file, Kafka's {@code ssl.truststore.type=PEM}),
 * fails the start with a message naming Kafka and the cause, and never the password. The working case runs first:
 * the failing ones then find TLS warmed up in the JVM, well within the transport's start probe.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaSaslSslIT {

    private static final String USER = "bus-scram-user";
    private static final String PASSWORD = "kafka-scram-pass-91be3d";
    private static final String WRONG_PASSWORD = "not-the-kafka-pass-5a0e";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestCertificates certificates;
    private static SaslSslKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        Path dir = Path.of("target", "tls", "kafka-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
        certificates = TestCertificates.create(dir);
        broker = SaslSslKafkaBroker.start(dir, certificates, USER, PASSWORD);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void eventsGoThroughSaslSslWithScram() throws Exception {
        String topic = "sasl-ssl-it." + UUID.randomUUID().toString().substring(0, 8);
        Set<String> processed = ConcurrentHashMap.newKeySet();
        CamelContext context = context(PASSWORD, Map.of(
                "eventbus.kafka.ssl-truststore-location", certificates.trustStore.toString(),
                "eventbus.kafka.ssl-truststore-password", TestCertificates.STORE_PASSWORD));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&concurrency=4").routeId("sasl-ssl-consumer")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            Set<String> published = new TreeSet<>();
            for (int i = 0; i < 200; i++) {
                Envelope event = Envelope.create("kafka_tls_event", "kafka-it", MAPPER.createObjectNode().put("n", i));
                template.sendBody("bus:" + topic, event);
                published.add(event.getEventId());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> processed.size() >= published.size());
            assertEquals(published, new TreeSet<>(processed), "published = processed, over SASL_SSL");
        } finally {
            context.stop();
        }
    }

    @Test
    @Order(2)
    void aWrongPasswordFailsTheStartNamingKafkaAndTheCause() throws Exception {
        String message = FailedStart.messagesOf(context(WRONG_PASSWORD, Map.of(
                "eventbus.kafka.ssl-truststore-location", certificates.trustStore.toString(),
                "eventbus.kafka.ssl-truststore-password", TestCertificates.STORE_PASSWORD)), "sasl-ssl-it.refused");
        assertTrue(message.contains("cannot start the kafka transport"), message);
        assertTrue(message.contains("Kafka at " + broker.bootstrapServers()), message);
        assertTrue(message.contains("authentication failed"), message);
        assertTrue(message.contains("SCRAM-SHA-512"), message);
        assertNoSecret(message);
    }

    @Test
    @Order(3)
    void anUntrustedCertificateFailsTheStartNamingKafkaAndTheCause() throws Exception {
        String message = FailedStart.messagesOf(context(PASSWORD, Map.of(
                "eventbus.kafka.ssl-truststore-location", certificates.otherCaPem.toString(),
                "eventbus.kafka.client.ssl.truststore.type", "PEM")), "sasl-ssl-it.refused");
        assertTrue(message.contains("cannot start the kafka transport"), message);
        assertTrue(message.contains("Kafka at " + broker.bootstrapServers()), message);
        assertTrue(message.contains("TLS handshake failed"), message);
        assertTrue(message.contains("certification path"), message);
        assertNoSecret(message);
    }

    /** A context on the SASL_SSL broker as {@link #USER} with SCRAM-SHA-512; {@code tls} names what to trust. */
    private static CamelContext context(String password, Map<String, String> tls) {
        Map<String, String> props = broker.busProperties(USER, password);
        props.putAll(tls);
        CamelContext context = new DefaultCamelContext();
        Properties initial = new Properties();
        initial.putAll(props);
        context.getPropertiesComponent().setInitialProperties(initial);
        return context;
    }

    private static void assertNoSecret(String message) {
        assertFalse(message.contains(PASSWORD), "the password leaked: " + message);
        assertFalse(message.contains(WRONG_PASSWORD), "the wrong password leaked: " + message);
        assertFalse(message.contains(TestCertificates.STORE_PASSWORD), "a store password leaked: " + message);
    }
}
