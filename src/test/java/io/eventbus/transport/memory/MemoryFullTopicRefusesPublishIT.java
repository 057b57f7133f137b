package io.eventbus.transport.memory;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The in-memory transport with its default capacity (10,000 events per topic) never drops an event a group has not
 * acknowledged: with a group that exists and does not consume, publishing fills the topic to its capacity, then
 * the next publish waits and fails with {@link MemoryTopicFullException} naming the group; once the group
 * consumes, it reads exactly the accepted events.
 */
class MemoryFullTopicRefusesPublishIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CAPACITY = 10_000;

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void aFullTopicRefusesThePublishAndTheGroupReadsEveryAcceptedEvent() throws Exception {
        String topic = "full-" + UUID.randomUUID().toString().substring(0, 8);
        context = new DefaultCamelContext();
        Properties props = new Properties();
        // the default capacity; a short wait, so that the refusal comes quickly
        props.put("eventbus.memory.publish-timeout", "200");
        context.getPropertiesComponent().setInitialProperties(props);
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=stalled&concurrency=4").routeId("stalled").autoStartup(false)
                        .process(e -> received.computeIfAbsent(e.getIn().getBody(Envelope.class).getEventId(),
                                id -> new AtomicInteger()).incrementAndGet());
            }
        });
        context.start();
        // the group exists before anything is published: its consumer starts and stops
        context.getRouteController().startRoute("stalled");
        context.getRouteController().stopRoute("stalled");
        ProducerTemplate template = context.createProducerTemplate();

        Set<String> accepted = new LinkedHashSet<>();
        for (int i = 0; i < CAPACITY; i++) {
            Envelope event = event(i);
            template.sendBody("bus:" + topic, event);
            accepted.add(event.getEventId());
        }
        CamelExecutionException refused = assertThrows(CamelExecutionException.class,
                () -> template.sendBody("bus:" + topic, event(CAPACITY)));
        Throwable cause = refused.getCause();
        assertTrue(cause instanceof MemoryTopicFullException, "the publish fails as a full topic: " + cause);
        assertEquals("in-memory topic '" + topic + "' is full: 10000 events retained (eventbus.memory.capacity=10000)"
                + " and consumer group 'stalled' has not acknowledged the oldest; gave up after 200 ms"
                + " (eventbus.memory.publish-timeout)", cause.getMessage());

        context.getRouteController().startRoute("stalled");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.keySet().containsAll(accepted));
        Thread.sleep(500);
        Set<String> missing = new TreeSet<>(accepted);
        missing.removeAll(received.keySet());
        Set<String> extra = new TreeSet<>(received.keySet());
        extra.removeAll(accepted);
        long duplicates = received.values().stream().filter(n -> n.get() > 1).count();
        System.out.printf("MemoryFullTopicRefusesPublishIT: group read %d distinct of %d accepted, %d more than once%n",
                received.size(), accepted.size(), duplicates);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail("expected exactly the " + accepted.size() + " accepted ids; missing " + missing + "; extra " + extra);
        }
    }

    private static Envelope event(int n) {
        return Envelope.create("full_topic_event", "memory-full-it", MAPPER.createObjectNode().put("n", n));
    }
}
