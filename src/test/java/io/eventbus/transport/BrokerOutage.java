package io.eventbus.transport;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The steps the "starts without its broker" tests share: a context with one topic on the transport under test and
 * one on memory, the checks while the broker is missing, and publishing and counting once it is there.
 */
public final class BrokerOutage {

    public static final String MEMORY_TOPIC = "nobroker.memory";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Event ids the consumer of the transport's topic and the memory consumer processed. */
    public final Set<String> processed = ConcurrentHashMap.newKeySet();
    public final Set<String> memory = ConcurrentHashMap.newKeySet();

    /**
     * Starts a context whose default transport is memory and whose {@code topic} is on {@code transport}, configured
     * by {@code properties}; a consumer of group {@code g} on each.
     */
    public CamelContext start(String transport, String topic, Map<String, String> properties) throws Exception {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        props.put("eventbus.topics." + topic + ".transport", transport);
        props.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId(transport + "-consumer")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class).getEventId()));
                from("bus:" + MEMORY_TOPIC + "?group=g").routeId("memory-consumer")
                        .process(e -> memory.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        return context;
    }

    /** The check's readiness result; the check must exist. */
    public static HealthCheck.Result readiness(CamelContext context, String check) {
        return HealthCheckHelper.invokeReadiness(context).stream().filter(r -> r.getCheck().getId().equals(check))
                .findFirst().orElseThrow(() -> new AssertionError("no readiness check " + check));
    }

    /** Readiness of the transport DOWN naming the address, every liveness check UP. */
    public static void assertDown(CamelContext context, String transport, String address) {
        HealthCheck.Result result = readiness(context, "eventbus-transport-" + transport);
        assertEquals(HealthCheck.State.DOWN, result.getState());
        String reason = result.getMessage().orElse("");
        assertTrue(reason.contains(address) && reason.contains("not reachable"), reason);
        assertTrue(HealthCheckHelper.invokeLiveness(context).stream()
                .allMatch(r -> r.getState() == HealthCheck.State.UP), "liveness UP");
    }

    /** Publishes {@code count} events to memory and waits until the memory consumer processed exactly them. */
    public void assertMemoryRouteRuns(ProducerTemplate template, int count) {
        Set<String> published = publish(template, MEMORY_TOPIC, count);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertEquals(published, new TreeSet<>(memory), "memory events processed"));
    }

    /** A publish to the topic fails within {@code maxMillis} with a RetryableException naming the address. */
    public static void assertPublishFailsFast(ProducerTemplate template, String topic, String address,
            long maxMillis) {
        long start = System.nanoTime();
        try {
            template.sendBody("bus:" + topic, event(-1));
            fail("a publish to the unreachable broker succeeded");
        } catch (RuntimeException e) {
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RetryableException retryable = null;
            for (Throwable t = e; t != null && retryable == null; t = t.getCause()) {
                retryable = t instanceof RetryableException r ? r : null;
            }
            assertNotNull(retryable, () -> "not a RetryableException: " + e);
            assertTrue(retryable.getMessage().contains(address) && retryable.getMessage().contains("not reachable"),
                    retryable.getMessage());
            assertTrue(tookMillis < maxMillis, "the publish failed after " + tookMillis + " ms");
        }
    }

    /** Publishes {@code count} events to the topic; their ids. */
    public static Set<String> publish(ProducerTemplate template, String topic, int count) {
        Set<String> published = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            Envelope event = event(i);
            template.sendBody("bus:" + topic, event);
            published.add(event.getEventId());
        }
        return published;
    }

    /** Waits until exactly the published ids were processed. */
    public static void awaitProcessed(Set<String> published, Set<String> processed) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals(published, new TreeSet<>(processed), "published = processed"));
    }

    public static Envelope event(int n) {
        return Envelope.create("nobroker_event", "nobroker-it", MAPPER.createObjectNode().put("n", n));
    }
}
