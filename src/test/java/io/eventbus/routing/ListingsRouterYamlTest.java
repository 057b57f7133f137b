package io.eventbus.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.OutboundMessages;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.RetryableException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A YAML router ({@code src/test/resources/routes/listings-router.camel.yaml}, a fixture) runs over {@code bus:} on
 * the in-memory transport:
 * {@code choice} on the {@code EventType} header, the routing table for other types, a dead-letter channel to
 * {@code bus:dlq}, and a per-event-type redelivery policy. Every published event is accounted for.
 */
class ListingsRouterYamlTest extends CamelTestSupport {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> OUTPUTS = List.of("listings.normalized", "fraud.detected", "features.sales",
            "features.stock", "audit", "unroutable", "listings.raw.dlq");

    /** The fraud alert of this listing fails for good: the listing no longer exists. */
    private static final String GONE_LISTING = "listing-9";

    private final Map<String, List<Envelope>> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> fraudAttempts = new ConcurrentHashMap<>();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        return props;
    }

    @Override
    protected void bindToRegistry(Registry registry) throws Exception {
        registry.bind("fraudAlerts", (Processor) exchange -> {
            Envelope event = exchange.getIn().getBody(Envelope.class);
            int attempt = fraudAttempts.computeIfAbsent(event.getEventId(), id -> new AtomicInteger()).incrementAndGet();
            if (event.getData().get("listing_id").asText().equals(GONE_LISTING)) {
                throw new FatalException("listing " + event.getData().get("listing_id").asText() + " no longer exists");
            }
            if (attempt <= 3) {
                throw new RetryableException("alerting service busy (attempt " + attempt + ")");
            }
        });
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        Resource yaml = ResourceHelper.resolveMandatoryResource(context, "classpath:routes/listings-router.camel.yaml");
        List<RoutesBuilder> builders = new java.util.ArrayList<>(PluginHelper.getRoutesLoader(context).findRoutesBuilders(yaml));
        builders.add(new RouteBuilder() {
            @Override
            public void configure() {
                for (String topic : OUTPUTS) {
                    from("bus:" + topic + "?group=test").routeId("collect-" + topic)
                            .process(e -> received.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>())
                                    .add(e.getIn().getBody(Envelope.class)));
                }
            }
        });
        return builders.toArray(RoutesBuilder[]::new);
    }

    @Test
    void everyEventIsRoutedByTypeOrDeadLettered() throws Exception {
        for (int i = 0; i < 5; i++) {
            publish(rawListing("listing-" + i, true));
        }
        Envelope invalidListing = publishRaw(rawListing("listing-broken", false));
        Envelope flaky1 = publish(fraud("listing-7"));
        Envelope flaky2 = publish(fraud("listing-8"));
        Envelope fatal = publish(fraud(GONE_LISTING));
        for (int i = 0; i < 3; i++) {
            publish(event("sales_updated", MAPPER.createObjectNode().put("table_name", "sales")));
        }
        Envelope stock = publish(event("stock_updated", MAPPER.createObjectNode().put("table_name", "stock")));
        publish(event("order_placed", MAPPER.createObjectNode().put("order", 1)));
        publish(event("order_placed", MAPPER.createObjectNode().put("order", 2)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(5, count("listings.normalized"));
            assertEquals(2, count("fraud.detected"));
            assertEquals(3, count("features.sales"));
            assertEquals(1, count("features.stock"));
            assertEquals(1, count("audit"));
            assertEquals(2, count("unroutable"));
            assertEquals(2, count("listings.raw.dlq"));
        });
        int published = 15;
        int delivered = count("listings.normalized") + count("fraud.detected") + count("features.sales")
                + count("features.stock") + count("unroutable");
        assertEquals(published, delivered + count("listings.raw.dlq"), "published = routed + dead-lettered");

        assertEquals(4, fraudAttempts.get(flaky1.getEventId()).get(), "fraud alerts use their event type's policy");
        assertEquals(4, fraudAttempts.get(flaky2.getEventId()).get());
        assertEquals(1, fraudAttempts.get(fatal.getEventId()).get(), "a fatal failure is not redelivered");
        assertEquals(stock.getEventId(), received.get("audit").get(0).getEventId());

        Map<String, Envelope> dlq = new ConcurrentHashMap<>();
        received.get("listings.raw.dlq").forEach(d -> dlq.put(d.getEventId(), d));
        Envelope fatalDeadLetter = dlq.get(fatal.getEventId());
        assertEquals("fraud_detected", fatalDeadLetter.getEventType());
        assertEquals("FatalException", fatalDeadLetter.getMetadata().get("error_type"));
        assertEquals("listing listing-9 no longer exists", fatalDeadLetter.getMetadata().get("last_error"));
        assertEquals("listings.raw", fatalDeadLetter.getMetadata().get("dead_lettered_from"));
        assertEquals("fraud-alerts", fatalDeadLetter.getMetadata().get("failed_stage"), "the step that failed");
        assertEquals(0, fatalDeadLetter.getRetryCount());
        Envelope invalid = dlq.get(invalidListing.getEventId());
        assertEquals("invalid_event", invalid.getEventType());
        assertTrue(invalid.getMetadata().get("last_error").toString().contains("data: required property 'source_url' not found"),
                "reason: " + invalid.getMetadata().get("last_error"));
    }

    private int count(String topic) {
        return received.getOrDefault(topic, List.of()).size();
    }

    private Envelope publish(Envelope event) {
        template.sendBody("bus:listings.raw", event);
        return event;
    }

    /** Writes straight to the topic, as a foreign producer would: the bus producer refuses invalid events. */
    private Envelope publishRaw(Envelope event) throws Exception {
        event.setPublishedAt("2025-11-28T10:00:00Z");
        context.getComponent("bus", BusComponent.class).transportFor("listings.raw").bindProducer("listings.raw")
                .publish(OutboundMessages.of(event, new EnvelopeCodec().encode(event)));
        return event;
    }

    private static Envelope event(String type, ObjectNode data) {
        Envelope event = Envelope.create(type, "listings-test", data);
        event.setTraceId("trace-" + event.getEventId());
        return event;
    }

    private static Envelope rawListing(String id, boolean valid) {
        ObjectNode data = MAPPER.createObjectNode();
        ObjectNode rawData = data.putObject("raw_data");
        rawData.put("html", "<div>2-room flat</div>");
        rawData.putObject("json").put("price", "4 500 000 ₽").put("rooms", 2);
        data.put("original_id", id);
        if (valid) {
            data.put("source_url", "https://cian.ru/sale/flat/" + id);
        }
        return event("raw_listing", data);
    }

    private static Envelope fraud(String listingId) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("listing_id", listingId).put("fraud_score", 0.91).put("risk_level", "high");
        data.putArray("fraud_signals").add("price_too_low");
        data.putArray("detected_by").add("listings-fraud-rules-v1");
        data.put("confidence", 1.0).put("action", "flag_for_review");
        return event("fraud_detected", data);
    }
}
