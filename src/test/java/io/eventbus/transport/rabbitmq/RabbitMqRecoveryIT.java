package io.eventbus.transport.rabbitmq;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportHealth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Failures of the broker and of consumers while events flow: nothing the broker confirmed is lost.
 * <ul>
 * <li>the RabbitMQ application stopped ({@code rabbitmqctl stop_app}) and started again: publishers and consumers
 * reconnect by themselves;</li>
 * <li>a consumer JVM killed with SIGKILL mid-stream: what it had not acknowledged goes to the next member.</li>
 * </ul>
 */
class RabbitMqRecoveryIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "recovery-";
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final List<CamelContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    private CamelContext start(RouteBuilder routes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        props.put("eventbus.rabbitmq.publish-timeout", "120000");
        context.getPropertiesComponent().setInitialProperties(props);
        contexts.add(context);
        context.addRoutes(routes);
        context.start();
        return context;
    }

    @Test
    void theBrokerRestartingWhileEventsFlowLosesNothingConfirmed() throws Exception {
        String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".orders";
        Set<String> processed = ConcurrentHashMap.newKeySet();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&concurrency=2").routeId("consumer")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        AtomicInteger failedPublishes = new AtomicInteger();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < 600; i++) {
                Envelope event = Envelope.create("order_placed", "recovery-test", MAPPER.createObjectNode().put("n", i));
                attempted.add(event.getEventId());
                try {
                    template.sendBody("bus:" + topic, event);
                    confirmed.add(event.getEventId());
                } catch (RuntimeException e) {
                    failedPublishes.incrementAndGet();
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
            publishing.set(false);
        }, "recovery-publisher");
        publisher.start();
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);

        await().atMost(WAIT).until(() -> processed.size() >= 100);
        try {
            RabbitMqTestBroker.rabbitmqctl("stop_app");
            TransportHealth down = transport.health();
            assertFalse(down.connected(), "health while the broker is stopped: " + down);
            assertTrue(down.error().startsWith("RabbitMQ at amqp://127.0.0.1:5672 vhost / is not reachable"),
                    down.error());
            Thread.sleep(2000);
        } finally {
            RabbitMqTestBroker.rabbitmqctl("start_app");
        }
        await().atMost(WAIT).until(() -> transport.health().connected());
        publisher.join(WAIT.toMillis());
        assertFalse(publishing.get(), "the publisher finished");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Set<String> missing = new TreeSet<>(confirmed);
            missing.removeAll(processed);
            assertEquals(Set.of(), missing, "confirmed events never processed (" + confirmed.size() + " confirmed, "
                    + failedPublishes.get() + " publishes failed)");
        });
        Set<String> unknown = new TreeSet<>(processed);
        unknown.removeAll(attempted);
        assertEquals(Set.of(), unknown, "processed events nobody published");
        assertTrue(confirmed.size() >= 500, "most publishes went through despite the restart: " + confirmed.size());
    }

    @Test
    void aConsumerKilledMidStreamLosesNothing() throws Exception {
        String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".trades";
        Set<String> survivor = ConcurrentHashMap.newKeySet();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId("survivor").autoStartup(false)
                        .process(e -> survivor.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        // declares the group's queue, so that everything published from now on waits for the group
        context.getRouteController().startRoute("survivor");
        context.getRouteController().stopRoute("survivor");
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> published = new TreeSet<>();
        for (int i = 0; i < 400; i++) {
            Envelope event = Envelope.create("trade_executed", "recovery-test", MAPPER.createObjectNode().put("n", i));
            template.sendBody("bus:" + topic, event);
            published.add(event.getEventId());
        }

        Path file = Files.createTempFile("eventbus-child-", ".ids");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RabbitMqChildConsumer.class.getName(), topic, "g", file.toString())
                .redirectErrorStream(true).redirectOutput(new File("target/child-consumer.log")).start();
        try {
            await().atMost(WAIT).until(() -> Files.readAllLines(file).size() >= 60);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM was killed");
        }
        List<String> byChild = Files.readAllLines(file);
        Files.delete(file);
        assertTrue(byChild.size() < published.size(), "the child was killed mid-stream, after " + byChild.size());

        context.getRouteController().startRoute("survivor");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Set<String> all = new TreeSet<>(byChild);
            all.addAll(survivor);
            Set<String> missing = new TreeSet<>(published);
            missing.removeAll(all);
            if (!missing.isEmpty()) {
                fail(missing.size() + " events lost after the kill: " + missing);
            }
            assertEquals(published, all, "processed by the killed child and the survivor");
        });
    }
}
