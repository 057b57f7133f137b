package io.eventbus.observability;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.routing.RoutingTable;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RetryableException;

import static io.eventbus.observability.BusMetrics.ACKNOWLEDGED;
import static io.eventbus.observability.BusMetrics.CONSUMED;
import static io.eventbus.observability.BusMetrics.DEAD_LETTERED;
import static io.eventbus.observability.BusMetrics.DEDUPLICATED;
import static io.eventbus.observability.BusMetrics.FAILED;
import static io.eventbus.observability.BusMetrics.PUBLISHED;
import static io.eventbus.observability.BusMetrics.REDELIVERED;
import static io.eventbus.observability.BusMetrics.UNROUTABLE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each of the bus's meters after a known run on the in-memory transport: what was published, consumed,
 * acknowledged, redelivered (by Camel and by the transport), failed, dead-lettered (by each path), deduplicated and
 * unroutable; the stage timers, the latency histogram and the backlog gauges; and their Prometheus names.
 */
class BusMetricsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void everyMeterCountsAKnownRunExactly() throws Exception {
        Path table = dir.resolve("routing.yaml");
        Files.writeString(table, "routes:\n  order_placed: m.known\nunroutable: m.nowhere\n");
        start(Map.of("routingTable", RoutingTable.fromFile(table.toString()),
                "seen", new MemoryIdempotentRepository()));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(2).redeliveryDelay(0));
                from("bus:m.orders?group=g1").routeId("orders")
                        .step("check")
                            .filter(e -> data(e).path("fail").asBoolean())
                                .throwException(new RetryableException("the check service timed out"))
                            .end()
                        .end()
                        .step("dedupe")
                            .process(e -> e.getIn().setHeader("order", data(e).path("order").asText()))
                            .idempotentConsumer(header("order"))
                                .idempotentRepository("seen").skipDuplicate(true)
                                .log("processed ${header.EventId}")
                            .end()
                        .end();
                from("bus:m.incoming?group=router").routeId("router")
                        .errorHandler(defaultErrorHandler())
                        .recipientList(method("routingTable", "recipients"));
                from("bus:m.flaky?group=g2&redeliveryDelay=10&maxDeliveries=3").routeId("flaky")
                        .errorHandler(defaultErrorHandler())
                        .throwException(new IllegalStateException("always failing"));
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        for (String order : new String[] { "a", "b", "c", "a", "b" }) {
            template.sendBody("bus:m.orders", order("order_placed", order, false));
        }
        template.sendBody("bus:m.orders", order("order_placed", "d", true));
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        bus.transportFor("m.orders").bindProducer("m.orders").publish(new OutboundMessage(null,
                "{not json".getBytes(StandardCharsets.UTF_8), Map.of()));
        template.sendBody("bus:m.incoming", order("order_placed", "e", false));
        template.sendBody("bus:m.incoming", order("order_placed", "f", false));
        template.sendBody("bus:m.incoming", order("order_shipped", "g", false));
        template.sendBody("bus:m.flaky", order("order_placed", "h", false));

        BusMetrics metrics = BusObservability.of(bus).metrics();
        Tags orders = Tags.of("topic", "m.orders", "group", "g1", "route", "orders", "transport", "memory");
        Tags placed = Tags.of("event_type", "order_placed");
        await().atMost(WAIT).until(() -> metrics.sum(ACKNOWLEDGED, orders) == 7
                && metrics.sum(DEAD_LETTERED, Tags.of("topic", "m.flaky")) == 1
                && metrics.sum(ACKNOWLEDGED, Tags.of("route", "router")) == 3);

        assertEquals(6, metrics.count(PUBLISHED, placed.and("topic", "m.orders", "transport", "memory")));
        assertEquals(2, metrics.count(PUBLISHED, placed.and("topic", "m.known", "transport", "memory")));
        assertEquals(6, metrics.count(CONSUMED, orders.and(placed)));
        assertEquals(6, metrics.count(ACKNOWLEDGED, orders.and(placed)));
        assertEquals(1, metrics.count(ACKNOWLEDGED, orders.and("event_type", "invalid_event")));
        assertEquals(0, metrics.sum(FAILED, orders));
        assertEquals(2, metrics.count(REDELIVERED, orders.and(placed).and("redelivered_by", "camel")));
        assertEquals(0, metrics.sum(REDELIVERED, orders.and("redelivered_by", "transport")));
        assertEquals(2, metrics.count(DEDUPLICATED, orders.and(placed)));
        assertEquals(1, metrics.count(DEAD_LETTERED,
                Tags.of("topic", "m.orders", "event_type", "order_placed", "transport", "memory", "stage", "check")));
        assertEquals(1, metrics.count(DEAD_LETTERED,
                Tags.of("topic", "m.orders", "event_type", "invalid_event", "transport", "memory", "stage",
                        "validation")));
        assertEquals(1, metrics.count(UNROUTABLE,
                Tags.of("topic", "m.nowhere", "event_type", "order_shipped", "reason", "routing_table")));
        assertEquals(1, metrics.sum(UNROUTABLE, Tags.empty()));

        // the transport redelivers the flaky event twice, then dead-letters its fourth delivery unprocessed
        Tags flaky = Tags.of("topic", "m.flaky", "group", "g2", "route", "flaky", "transport", "memory").and(placed);
        assertEquals(4, metrics.count(CONSUMED, flaky));
        assertEquals(3, metrics.count(REDELIVERED, flaky.and("redelivered_by", "transport")));
        assertEquals(3, metrics.count(FAILED, flaky));
        assertEquals(1, metrics.count(ACKNOWLEDGED, flaky));
        assertEquals(1, metrics.count(DEAD_LETTERED, Tags.of("topic", "m.flaky", "event_type", "order_placed",
                "transport", "memory", "stage", "delivery")));

        // three processed and two duplicates: latency is measured for all five, not for the dead-lettered one
        Timer latency = metrics.registry().find(BusMetrics.LATENCY).tags(orders).timer();
        assertNotNull(latency);
        assertEquals(5, latency.count());
        Timer routed = metrics.registry().find(BusMetrics.LATENCY).tags(placed.and("route", "router")).timer();
        assertEquals(2, routed.count(), "once per consumed event, not per recipient");
        assertEquals(5, timerCount(metrics, BusMetrics.STAGE_DURATION, "check", "success"));
        assertEquals(1, timerCount(metrics, BusMetrics.STAGE_DURATION, "check", "failure"));
        assertEquals(5, timerCount(metrics, BusMetrics.STAGE_DURATION, "dedupe", "success"));

        BusObservability.of(bus).backlogGauges().poll();
        Tags ordersTopic = Tags.of("topic", "m.orders", "transport", "memory");
        assertEquals(7, gauge(metrics, BusMetrics.TOPIC_LENGTH, ordersTopic));
        assertEquals(2, gauge(metrics, BusMetrics.DLQ_DEPTH, ordersTopic));
        assertEquals(0, gauge(metrics, BusMetrics.LAG, ordersTopic.and("group", "g1")));
        assertEquals(0, gauge(metrics, BusMetrics.PENDING, ordersTopic.and("group", "g1")));
        assertEquals(1, gauge(metrics, BusMetrics.MEMBERS, ordersTopic.and("group", "g1")));

        String scrape = ((PrometheusMeterRegistry) metrics.registry()).scrape();
        assertTrue(scrape.contains("eventbus_events_published_total{event_type=\"order_placed\",topic=\"m.orders\","
                + "transport=\"memory\"} 6.0"), scrape);
        assertTrue(scrape.contains("eventbus_events_dead_lettered_total{event_type=\"invalid_event\","
                + "stage=\"validation\",topic=\"m.orders\",transport=\"memory\"} 1.0"), scrape);
        assertTrue(scrape.contains("eventbus_events_deduplicated_total{event_type=\"order_placed\",group=\"g1\","
                + "route=\"orders\",topic=\"m.orders\",transport=\"memory\"} 2.0"), scrape);
        String latencySeries = "{event_type=\"order_placed\",group=\"g1\",route=\"orders\",topic=\"m.orders\","
                + "transport=\"memory\"";
        assertTrue(scrape.contains("eventbus_events_latency_seconds_bucket" + latencySeries + ",le=\"0.1\"}"), scrape);
        assertTrue(scrape.contains("eventbus_events_latency_seconds_bucket" + latencySeries + ",le=\"+Inf\"} 5"),
                scrape);
        for (String quantile : new String[] { "0.5", "0.95", "0.99" }) {
            assertTrue(scrape.contains("eventbus_events_latency_percentile_seconds{event_type=\"order_placed\","
                    + "group=\"g1\",quantile=\"" + quantile + "\",route=\"orders\",topic=\"m.orders\","
                    + "transport=\"memory\"}"), scrape);
        }
        assertTrue(scrape.contains("eventbus_stage_duration_seconds_count{outcome=\"failure\",route=\"orders\","
                + "stage=\"check\"} 1"), scrape);
        assertTrue(scrape.contains("eventbus_dlq_depth{topic=\"m.orders\",transport=\"memory\"} 2.0"), scrape);
        assertTrue(scrape.contains("eventbus_consumer_lag{group=\"g1\",topic=\"m.orders\",transport=\"memory\"} 0.0"),
                scrape);
    }

    @Test
    void eventTypesBeyondTheBoundAreTaggedOther() {
        BusMetrics metrics = new BusMetrics(new PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), 2);
        metrics.published("t", "a", "memory");
        metrics.published("t", "b", "memory");
        metrics.published("t", "c", "memory");
        metrics.published("t", "a", "memory");
        assertEquals(2, metrics.count(PUBLISHED, Tags.of("event_type", "a")));
        assertEquals(1, metrics.count(PUBLISHED, Tags.of("event_type", "b")));
        assertEquals(1, metrics.count(PUBLISHED, Tags.of("event_type", BusMetrics.OTHER)));
        assertEquals(0, metrics.count(PUBLISHED, Tags.of("event_type", "c")));
    }

    private void start(Map<String, Object> beans) {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.metrics.backlog-interval", "600000");
        context.getPropertiesComponent().setInitialProperties(props);
        beans.forEach(context.getRegistry()::bind);
        context.start();
        context.getComponent("bus", BusComponent.class);
    }

    private static long timerCount(BusMetrics metrics, String name, String stage, String outcome) {
        Timer timer = metrics.registry().find(name).tags("stage", stage, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private static double gauge(BusMetrics metrics, String name, Tags tags) {
        return metrics.registry().get(name).tags(tags).gauge().value();
    }

    private static com.fasterxml.jackson.databind.JsonNode data(org.apache.camel.Exchange exchange) {
        return exchange.getIn().getBody(Envelope.class).getData();
    }

    private static Envelope order(String type, String order, boolean fail) {
        return Envelope.create(type, "metrics-test", MAPPER.createObjectNode().put("order", order).put("fail", fail));
    }
}
