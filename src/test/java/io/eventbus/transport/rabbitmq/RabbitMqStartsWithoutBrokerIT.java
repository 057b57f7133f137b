package io.eventbus.transport.rabbitmq;

import java.time.Duration;
import java.util.Map;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TcpForwarder;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The RabbitMQ transport started while nothing listens at its address: the context starts, a memory route runs,
 * readiness is DOWN naming the address and liveness UP, a publish fails at once with a {@link RetryableException}.
 * Then the broker "comes up" at that address (a forwarder to the shared broker, which other tests use and so cannot
 * be stopped): readiness turns UP, the consumer attaches and every event published from then on is processed.
 */
class RabbitMqStartsWithoutBrokerIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "it.nobroker.";
    private static final int EVENTS = 200;

    private CamelContext context;
    private TcpForwarder broker;

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (broker != null) {
            broker.close();
        }
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    @Test
    void startsWithoutTheBrokerAndAttachesWhenItComes() throws Exception {
        int port = RedisService.freePort();
        String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8);
        Set<String> memory = ConcurrentHashMap.newKeySet();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        props.put("eventbus.topics." + topic + ".transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", "amqp://guest:guest@127.0.0.1:" + port);
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId("rabbit-consumer")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
                from("bus:nobroker.memory?group=g").routeId("memory-consumer")
                        .process(e -> memory.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        ProducerTemplate template = context.createProducerTemplate();

        Set<String> memoryPublished = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            Envelope event = event(i);
            template.sendBody("bus:nobroker.memory", event);
            memoryPublished.add(event.getEventId());
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertEquals(memoryPublished, new TreeSet<>(memory), "memory events processed"));

        HealthCheck.Result transport = readiness("eventbus-transport-rabbitmq");
        assertEquals(HealthCheck.State.DOWN, transport.getState());
        String reason = transport.getMessage().orElse("");
        assertTrue(reason.contains("127.0.0.1:" + port) && reason.contains("not reachable"), reason);
        assertTrue(HealthCheckHelper.invokeLiveness(context).stream()
                .allMatch(r -> r.getState() == HealthCheck.State.UP), "liveness UP");

        long start = System.nanoTime();
        try {
            template.sendBody("bus:" + topic, event(-1));
            fail("a publish to the unreachable RabbitMQ succeeded");
        } catch (RuntimeException e) {
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RetryableException retryable = retryableIn(e);
            assertNotNull(retryable, () -> "not a RetryableException: " + e);
            assertTrue(retryable.getMessage().contains("127.0.0.1:" + port)
                    && retryable.getMessage().contains("not reachable"), retryable.getMessage());
            assertTrue(tookMillis < 2000, "the publish failed after " + tookMillis + " ms");
        }

        broker = TcpForwarder.start(port, 5672);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HealthCheck.Result up = readiness("eventbus-transport-rabbitmq");
            assertEquals(HealthCheck.State.UP, up.getState(), "" + up.getMessage());
            // the consumer attached: its queue has it
            Map<String, Object> details = up.getDetails();
            assertTrue(String.valueOf(details.get("queues")).contains("consumers=1"), "" + details);
        });
        Set<String> published = new TreeSet<>();
        for (int i = 0; i < EVENTS; i++) {
            Envelope event = event(i);
            template.sendBody("bus:" + topic, event);
            published.add(event.getEventId());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals(published, new TreeSet<>(processed), "published = processed"));
    }

    private HealthCheck.Result readiness(String name) {
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
