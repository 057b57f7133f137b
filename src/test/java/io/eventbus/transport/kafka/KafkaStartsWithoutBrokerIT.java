package io.eventbus.transport.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kafka transport started while nothing listens at its bootstrap address: the context starts, a memory route
 * runs, readiness is DOWN naming the address and liveness UP, a publish fails within a second with a
 * {@link RetryableException}. Then a broker is started on that port: readiness turns UP, the consumer (which started
 * without its topic) creates it, attaches, and every event published from then on is processed.
 */
class KafkaStartsWithoutBrokerIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int EVENTS = 200;

    @Test
    void startsWithoutTheBrokerAndAttachesWhenItComes() throws Exception {
        int port = RedisService.freePort();
        String topic = "nobroker." + UUID.randomUUID().toString().substring(0, 8);
        Set<String> memory = ConcurrentHashMap.newKeySet();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        props.put("eventbus.topics." + topic + ".transport", "kafka");
        props.put("eventbus.kafka.bootstrap-servers", "127.0.0.1:" + port);
        props.put("eventbus.kafka.consumer.session.timeout.ms", "3000");
        props.put("eventbus.kafka.consumer.heartbeat.interval.ms", "500");
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId("kafka-consumer")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
                from("bus:nobroker.memory?group=g").routeId("memory-consumer")
                        .process(e -> memory.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        EmbeddedKafkaKraftBroker broker = null;
        context.start();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            Set<String> memoryPublished = new TreeSet<>();
            for (int i = 0; i < 20; i++) {
                Envelope event = event(i);
                template.sendBody("bus:nobroker.memory", event);
                memoryPublished.add(event.getEventId());
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertEquals(memoryPublished, new TreeSet<>(memory), "memory events processed"));

            HealthCheck.Result transport = readiness(context, "eventbus-transport-kafka");
            assertEquals(HealthCheck.State.DOWN, transport.getState());
            String reason = transport.getMessage().orElse("");
            assertTrue(reason.contains("127.0.0.1:" + port) && reason.contains("not reachable"), reason);
            assertTrue(HealthCheckHelper.invokeLiveness(context).stream()
                    .allMatch(r -> r.getState() == HealthCheck.State.UP), "liveness UP");

            long start = System.nanoTime();
            try {
                template.sendBody("bus:" + topic, event(-1));
                fail("a publish to the unreachable Kafka succeeded");
            } catch (RuntimeException e) {
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                RetryableException retryable = retryableIn(e);
                assertNotNull(retryable, () -> "not a RetryableException: " + e);
                assertTrue(retryable.getMessage().contains("127.0.0.1:" + port)
                        && retryable.getMessage().contains("not reachable"), retryable.getMessage());
                assertTrue(tookMillis < 3000, "the publish failed after " + tookMillis + " ms");
            }

            broker = KafkaTestBroker.start(port);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertEquals(HealthCheck.State.UP, readiness(context, "eventbus-transport-kafka").getState()));
            // the consumer created the topic and joined its group: a group member holds its partitions
            KafkaTransport kafka = (KafkaTransport) context.getComponent("bus", io.eventbus.bus.BusComponent.class)
                    .transportFor(topic);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertEquals(Integer.valueOf(1), kafka.stats(topic, Set.of("g")).groups().get(0).consumers(),
                            "members"));
            Set<String> published = new TreeSet<>();
            for (int i = 0; i < EVENTS; i++) {
                Envelope event = event(i);
                template.sendBody("bus:" + topic, event);
                published.add(event.getEventId());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertEquals(published, new TreeSet<>(processed), "published = processed"));
        } finally {
            context.stop();
            if (broker != null) {
                broker.destroy();
            }
        }
    }

    private static HealthCheck.Result readiness(CamelContext context, String name) {
        return HealthCheckHelper.invokeReadiness(context).stream().filter(r -> r.getCheck().getId().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no readiness check " + name));
    }

    private static RetryableException retryableIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RetryableException retryable) {
                return retryable;
            }
        }
        return null;
    }

    private static Envelope event(int n) {
        return Envelope.create("nobroker_event", "nobroker-it", MAPPER.createObjectNode().put("n", n));
    }
}
