package io.eventbus.transport.rabbitmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker closes every client connection ({@code rabbitmqctl close_all_connections}) twice while events flow,
 * on classic and on quorum queues, as an operator or a failing node would: publishers and consumers reconnect by
 * themselves, and every publish the broker confirmed is processed. A publish in flight when its connection closes
 * fails (the caller sees it and may retry); a delivery in flight is redelivered, which may process it twice: those
 * duplicates are counted and printed, not hidden.
 */
class RabbitMqConnectionsClosedIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "conn-closed-";
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int EVENTS = 2_000;

    private final List<CamelContext> contexts = new ArrayList<>();

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    @ParameterizedTest(name = "{0} queues")
    @ValueSource(strings = {"classic", "quorum"})
    void closingEveryConnectionTwiceMidStreamLosesNothingConfirmed(String queueType) throws Exception {
        String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".orders";
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        props.put("eventbus.rabbitmq.queue-type", queueType);
        context.getPropertiesComponent().setInitialProperties(props);
        contexts.add(context);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&concurrency=4").routeId("consumer")
                        .process(e -> processed.computeIfAbsent(e.getIn().getBody(Envelope.class).getEventId(),
                                id -> new AtomicInteger()).incrementAndGet());
            }
        });
        context.start();
        ProducerTemplate template = context.createProducerTemplate();

        Set<String> attempted = ConcurrentHashMap.newKeySet();
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        AtomicInteger failedPublishes = new AtomicInteger();
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < EVENTS; i++) {
                Envelope event = Envelope.create("order_placed", "conn-closed-test",
                        MAPPER.createObjectNode().put("n", i));
                attempted.add(event.getEventId());
                try {
                    template.sendBody("bus:" + topic, event);
                    confirmed.add(event.getEventId());
                } catch (RuntimeException e) {
                    failedPublishes.incrementAndGet();
                }
                if (i % 10 == 0) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "conn-closed-publisher");
        publisher.start();

        int closes = 0;
        for (int at : new int[] {EVENTS / 3, EVENTS * 2 / 3}) {
            await().atMost(WAIT).until(() -> attempted.size() >= at);
            List<String> before = RabbitMqTestBroker.rabbitmqctl("list_connections", "-q", "--no-table-headers",
                    "name");
            assertTrue(!before.isEmpty(), "the bus had its connection open");
            RabbitMqTestBroker.rabbitmqctl("close_all_connections", "eventbus test: connections closed");
            closes++;
        }
        publisher.join(WAIT.toMillis());
        assertEquals(EVENTS, attempted.size(), "the publisher finished");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Set<String> missing = new TreeSet<>(confirmed);
            missing.removeAll(processed.keySet());
            assertEquals(Set.of(), missing, "confirmed events never processed (" + confirmed.size() + " confirmed, "
                    + failedPublishes.get() + " publishes failed)");
        });
        Set<String> unknown = new TreeSet<>(processed.keySet());
        unknown.removeAll(attempted);
        assertEquals(Set.of(), unknown, "processed events nobody published");
        long duplicates = processed.values().stream().filter(n -> n.get() > 1).count();
        System.out.printf("%s queues, %d connection closes: %d published, %d confirmed, %d publishes failed, "
                + "%d processed, %d processed more than once%n", queueType, closes, EVENTS, confirmed.size(),
                failedPublishes.get(), processed.size(), duplicates);
        assertTrue(confirmed.size() >= EVENTS * 9 / 10,
                "most publishes went through despite the closes: " + confirmed.size() + " of " + EVENTS);
    }
}
