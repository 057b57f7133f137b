package io.eventbus.observability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backlog gauges against a real broker, for each transport (a subclass per transport supplies its settings):
 * while a consumer holds its first event, the lag, pending, members and DLQ depth gauges show what the broker itself
 * reports for the group and the dead-letter topic; once it lets go, lag and pending fall to zero. Every figure the
 * transport can tell is checked; those it cannot (null) must show as NaN.
 */
public abstract class BacklogGaugesContractIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GROUP = "gauges-group";
    private static final int EVENTS = 5;

    private CamelContext context;
    protected final String topic = "gauges-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * The transport's {@code eventbus.*} properties, fetching one event at a time so that a held event leaves the
     * others visibly waiting at the broker.
     */
    protected abstract Map<String, String> transportProperties();

    /** Removes what the test left on the shared broker. */
    protected void cleanUp() throws Exception {
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        cleanUp();
    }

    @Test
    void gaugesShowWhatTheBrokerReports() throws Exception {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(transportProperties());
        props.put("eventbus.metrics.backlog-interval", "600000");
        context.getPropertiesComponent().setInitialProperties(props);
        context.start();
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=" + GROUP + "&concurrency=1").routeId("gauges-" + topic)
                        .process(e -> {
                            entered.incrementAndGet();
                            assertTrue(release.await(2, TimeUnit.MINUTES), "released");
                        });
            }
        });
        Transport transport = bus.transportFor(topic);
        transport.bindProducer(topic).publish(new OutboundMessage(null, "{\"event_type\":".getBytes(
                StandardCharsets.UTF_8), Map.of()));
        ProducerTemplate template = context.createProducerTemplate();
        for (int i = 0; i < EVENTS; i++) {
            template.sendBody("bus:" + topic, Envelope.create("gauge_event", "gauges-it",
                    MAPPER.createObjectNode().put("n", i)));
        }
        BusMetrics metrics = BusObservability.of(bus).metrics();
        Tags topicTags = Tags.of("topic", topic, "transport", transport.name());
        Tags groupTags = topicTags.and("group", GROUP);
        await().atMost(WAIT).until(() -> entered.get() == 1
                && metrics.sum(BusMetrics.DEAD_LETTERED, Tags.of("topic", topic)) == 1);

        // the held event keeps the rest at the broker: once its figures stop moving, the gauges must show them
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            BusObservability.of(bus).backlogGauges().poll();
            TopicStats.GroupStats broker = groupStats(transport.stats(topic, Set.of(GROUP)));
            assertFigure(broker.lag(), gauge(metrics, BusMetrics.LAG, groupTags), "lag");
            assertFigure(broker.pending(), gauge(metrics, BusMetrics.PENDING, groupTags), "pending");
            assertFigure(broker.consumers() == null ? null : broker.consumers().longValue(),
                    gauge(metrics, BusMetrics.MEMBERS, groupTags), "members");
            if (broker.heldPastRetention() != null) {
                assertFigure(broker.heldPastRetention(), gauge(metrics, BusMetrics.HELD_PAST_RETENTION, groupTags),
                        "held past retention");
            }
            long waiting = (broker.lag() == null ? 0 : broker.lag())
                    + (broker.pending() == null ? 0 : broker.pending());
            assertTrue(waiting >= EVENTS - 1, "the held event keeps the others waiting: " + broker);
            Long dlq = transport.stats(DeadLetterTopics.deadLetterTopicOf(topic), Set.of()).length();
            assertEquals(1L, dlq, "the invalid event's dead letter, as the broker reports it");
            assertEquals(1.0, gauge(metrics, BusMetrics.DLQ_DEPTH, topicTags));
        });
        assertEquals(1.0, gauge(metrics, BusMetrics.MEMBERS, groupTags));

        release.countDown();
        await().atMost(WAIT).until(() -> metrics.sum(BusMetrics.ACKNOWLEDGED, groupTags) == EVENTS + 1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            BusObservability.of(bus).backlogGauges().poll();
            assertEquals(0.0, gauge(metrics, BusMetrics.LAG, groupTags), "lag once everything is acknowledged");
            double pending = gauge(metrics, BusMetrics.PENDING, groupTags);
            assertTrue(pending == 0.0 || Double.isNaN(pending), "pending once everything is acknowledged: " + pending);
        });
    }

    private static TopicStats.GroupStats groupStats(TopicStats stats) {
        return stats.groups().stream().filter(g -> g.group().equals(GROUP)).findFirst()
                .orElseThrow(() -> new AssertionError("the broker does not report group " + GROUP + ": " + stats));
    }

    private static void assertFigure(Long broker, double gauge, String what) {
        if (broker == null) {
            assertTrue(Double.isNaN(gauge), what + ": the broker cannot tell, the gauge must say NaN, not " + gauge);
        } else {
            assertEquals(broker.doubleValue(), gauge, what + " as the broker reports it");
        }
    }

    private static double gauge(BusMetrics metrics, String name, Tags tags) {
        return metrics.registry().get(name).tags(tags).gauge().value();
    }
}
