package io.eventbus.transport.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.TestCertificates;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer the broker refuses while the route runs is replaced, not abandoned: on a broker enforcing ACLs
 * ({@link SaslSslKafkaBroker#startAuthorizing}) the bus's user may read and write every topic but not yet join any
 * group, so each poll of the member's consumer throws {@code GroupAuthorizationException}. Nothing is consumed while
 * that lasts. Once an operator grants the group, a new consumer joins it (after the member's back-off) and every
 * event published meanwhile is processed: published = processed, by event id. Before the member replaced failed
 * consumers, its loop ended at the first refusal and the route consumed nothing more until a restart, while the
 * process ran on.
 */
class KafkaConsumerRecoversFromRefusalIT {

    private static final String USER = "bus-acl-user";
    private static final String PASSWORD = "kafka-acl-pass-4c2d71";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestCertificates certificates;
    private static SaslSslKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        Path dir = Path.of("target", "tls", "kafka-acl-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
        certificates = TestCertificates.create(dir);
        broker = SaslSslKafkaBroker.startAuthorizing(dir, certificates, USER, PASSWORD);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.internalBootstrapServers()));
        grant(ResourceType.CLUSTER, "kafka-cluster");
        grant(ResourceType.TOPIC, "*");
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aConsumerRefusedTheGroupIsReplacedAndReadsEverythingOnceTheGroupIsGranted() throws Exception {
        String topic = "acl-it." + UUID.randomUUID().toString().substring(0, 8);
        Set<String> processed = ConcurrentHashMap.newKeySet();
        AtomicInteger deliveries = new AtomicInteger();
        CamelContext context = context();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=refused-then-granted&concurrency=2").routeId("acl-consumer")
                        .process(e -> {
                            deliveries.incrementAndGet();
                            processed.add(e.getIn().getBody(Envelope.class).getEventId());
                        });
            }
        });
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            Set<String> published = new TreeSet<>();
            for (int i = 0; i < 300; i++) {
                Envelope event = Envelope.create("kafka_acl_event", "kafka-it", MAPPER.createObjectNode().put("n", i));
                template.sendBody("bus:" + topic, event);
                published.add(event.getEventId());
            }
            // the group is refused: several consumers fail in turn (1 s, then 2 s apart) and nothing is processed
            TimeUnit.SECONDS.sleep(4);
            assertEquals(0, deliveries.get(), "nothing may be consumed while the group is refused");

            grant(ResourceType.GROUP, "refused-then-granted");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> processed.size() >= published.size());
            assertEquals(published, new TreeSet<>(processed), "published = processed, once the group was granted");
            assertTrue(deliveries.get() >= published.size(), "deliveries " + deliveries.get());
        } finally {
            context.stop();
        }
    }

    private static void grant(ResourceType type, String name) throws Exception {
        admin.createAcls(List.of(new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW))))
                .all().get(30, TimeUnit.SECONDS);
    }

    /** A context on the broker's SASL_SSL listener as {@link #USER} with SCRAM-SHA-512. */
    private static CamelContext context() {
        Map<String, String> bus = broker.busProperties(USER, PASSWORD);
        bus.put("eventbus.kafka.ssl-truststore-location", certificates.trustStore.toString());
        bus.put("eventbus.kafka.ssl-truststore-password", TestCertificates.STORE_PASSWORD);
        Properties props = new Properties();
        props.putAll(bus);
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(props);
        return context;
    }
}
