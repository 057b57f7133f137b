package io.eventbus.bus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.errorhandling.FailedAttemptHook;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;
import io.eventbus.transport.memory.MemoryTopicFullException;
import io.eventbus.transport.memory.MemoryTransport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a route sees of {@code bus:} beyond the transport contract: producing, lineage, limits and errors. */
class BusEndpointTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private CamelContext context;
    private ProducerTemplate template;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void derivedEventsCarryTheirLineageAcrossTwoHops() throws Exception {
        start(Map.of());
        List<Envelope> hop2 = new CopyOnWriteArrayList<>();
        List<Envelope> hop1 = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:listings.raw").routeId("normalize")
                        .process(e -> e.getIn().setBody(Envelope.create("listing_normalized", "normalizer",
                                MAPPER.createObjectNode().put("is_valid", true))))
                        .to("bus:listings.normalized");
                from("bus:listings.normalized").routeId("score")
                        .process(e -> hop1.add(e.getIn().getBody(Envelope.class)))
                        .process(e -> e.getIn().setBody(Envelope.create("listing_scored", "scorer",
                                MAPPER.createObjectNode().put("fraud_score", 0.2))))
                        .to("bus:listings.processed");
                from("bus:listings.processed").routeId("store").process(e -> hop2.add(e.getIn().getBody(Envelope.class)));
            }
        });
        Envelope raw = Envelope.create("scraped", "cian", MAPPER.createObjectNode().put("original_id", "l-1"));
        raw.setTraceId("trace-123").setRequestId("req-456");
        template.sendBody("bus:listings.raw", raw);

        await().atMost(WAIT).until(() -> hop2.size() == 1);
        Envelope normalized = hop1.get(0);
        Envelope processed = hop2.get(0);
        assertEquals(raw.getEventId(), normalized.getParentEventId());
        assertEquals(normalized.getEventId(), processed.getParentEventId());
        assertEquals("trace-123", processed.getTraceId());
        assertEquals("req-456", processed.getRequestId());
        assertNotEquals(raw.getEventId(), processed.getEventId());
    }

    @Test
    void forwardingTheConsumedEventKeepsItsIdentity() throws Exception {
        start(Map.of());
        List<Envelope> forwarded = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:in").routeId("forward").to("bus:out");
                from("bus:out").routeId("read").process(e -> forwarded.add(e.getIn().getBody(Envelope.class)));
            }
        });
        Envelope event = Envelope.create("scraped", "cian", MAPPER.createObjectNode());
        template.sendBody("bus:in", event);

        await().atMost(WAIT).until(() -> forwarded.size() == 1);
        assertEquals(event.getEventId(), forwarded.get(0).getEventId());
        assertNull(forwarded.get(0).getParentEventId(), "a forwarded event is not its own child");
    }

    @Test
    void routesWithoutAGroupEachReceiveEveryEvent() throws Exception {
        start(Map.of());
        List<Envelope> billing = new CopyOnWriteArrayList<>();
        List<Envelope> audit = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders").routeId("billing").process(e -> billing.add(e.getIn().getBody(Envelope.class)));
                from("bus:orders").routeId("audit").process(e -> audit.add(e.getIn().getBody(Envelope.class)));
            }
        });
        for (int i = 0; i < 10; i++) {
            template.sendBody("bus:orders?eventType=order_placed", Map.of("n", i));
        }
        await().atMost(WAIT).until(() -> billing.size() == 10 && audit.size() == 10);
        assertEquals("billing", context.getRoute("billing").getConsumer() instanceof BusConsumer c ? c.getGroup() : null);
    }

    @Test
    void aNewGroupStartingFromLatestSkipsRetainedEvents() throws Exception {
        start(Map.of());
        for (int i = 0; i < 3; i++) {
            template.sendBody("bus:prices?eventType=price_changed", Map.of("n", i));
        }
        List<Envelope> latest = new CopyOnWriteArrayList<>();
        List<Envelope> earliest = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:prices?group=live&startFrom=latest").routeId("live")
                        .process(e -> latest.add(e.getIn().getBody(Envelope.class)));
                from("bus:prices?group=replay").routeId("replay")
                        .process(e -> earliest.add(e.getIn().getBody(Envelope.class)));
            }
        });
        template.sendBody("bus:prices?eventType=price_changed", Map.of("n", 3));
        await().atMost(WAIT).until(() -> latest.size() == 1 && earliest.size() == 4);
        assertEquals(3, latest.get(0).getData().get("n").asInt());
    }

    @Test
    void eachConsumerReportsItsReadinessWithItsBacklog() throws Exception {
        start(Map.of());
        // what camel.health.consumers-enabled=true does in Camel Main
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(health.resolveById("consumers"));
        CountDownLatch release = new CountDownLatch(1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?group=billing").routeId("billing").process(e -> release.await());
            }
        });
        for (int i = 0; i < 3; i++) {
            template.sendBody("bus:orders?eventType=order_placed", Map.of("n", i));
        }
        try {
            await().atMost(WAIT).untilAsserted(() -> {
                HealthCheck.Result result = readiness("consumer:billing");
                assertEquals(HealthCheck.State.UP, result.getState());
                Map<String, Object> details = result.getDetails();
                assertEquals("orders", details.get("topic"));
                assertEquals("billing", details.get("group"));
                assertEquals("memory", details.get("transport"));
                assertEquals(true, details.get("connected"));
                assertEquals(1, details.get("pending"), "one event in flight");
                assertEquals(2L, details.get("lag"), "two not yet delivered");
            });
        } finally {
            release.countDown();
        }
    }

    private HealthCheck.Result readiness(String id) {
        // "full": every check's result; the default exposure shows a single one when all are UP
        return HealthCheckHelper.invokeReadiness(context, "full").stream()
                .filter(r -> r.getCheck().getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no readiness check " + id));
    }

    @Test
    void aPlainBodyBecomesTheDataOfANewEvent() throws Exception {
        start(Map.of("eventbus.source", "feature-service"));
        List<Envelope> got = collect("features");
        template.sendBody("bus:features?eventType=features_updated", Map.of("features_count", 42));
        template.sendBodyAndHeader("bus:features", "{\"table_name\": \"sales\"}", BusConstants.EVENT_TYPE, "sales_updated");

        await().atMost(WAIT).until(() -> got.size() == 2);
        Envelope first = got.get(0);
        assertEquals("features_updated", first.getEventType());
        assertEquals(42, first.getData().get("features_count").asInt());
        assertEquals("feature-service", first.getSource());
        assertEquals("1.0.0", first.getSchemaVersion());
        assertTrue(first.getPublishedAt().endsWith("Z"));
        assertEquals("sales_updated", got.get(1).getEventType());
        assertEquals("sales", got.get(1).getData().get("table_name").asText());
    }

    @Test
    void envelopeJsonGetsItsMissingIdSourceVersionAndTimeFilledIn() throws Exception {
        start(Map.of());
        List<Envelope> got = collect("sales");
        template.sendBody("bus:sales", "{\"event_type\":\"sales_updated\",\"data\":{\"rows\":3,\"city\":\"Москва\"},"
                + "\"client_id\":\"c-1\"}");

        await().atMost(WAIT).until(() -> got.size() == 1);
        Envelope event = got.get(0);
        assertEquals(36, event.getEventId().length());
        assertEquals("camel-eventbus", event.getSource());
        assertEquals("1.0.0", event.getSchemaVersion());
        assertEquals("\"c-1\"", event.getExtensions().get("client_id").toString(), "unknown fields are kept");
        assertEquals("Москва", event.getData().get("city").asText(), "a JSON string body is read as UTF-8");
    }

    @Test
    void publishingWithoutAnEventTypeFailsWithTheReason() {
        start(Map.of());
        CamelExecutionException e = assertThrows(CamelExecutionException.class,
                () -> template.sendBody("bus:anything", Map.of("a", 1)));
        InvalidEnvelopeException cause = assertInstanceOf(InvalidEnvelopeException.class, e.getCause());
        assertEquals("event_type: cannot publish to bus:anything: the body is not an envelope and no event type is "
                + "given (set the endpoint's eventType option or the EventType header)", cause.getMessage());
    }

    @Test
    void anInvalidEventIsRefusedBeforeItReachesTheBroker() {
        start(Map.of());
        ObjectNode data = MAPPER.createObjectNode().put("title", "Free Pizza Night").put("llm_confidence", 2);
        Envelope food = Envelope.create("FREE_FOOD_EVENT", "umass-calendar", data);
        CamelExecutionException e = assertThrows(CamelExecutionException.class,
                () -> template.sendBody("bus:events.free-food", food));
        InvalidEnvelopeException cause = assertInstanceOf(InvalidEnvelopeException.class, e.getCause());
        assertEquals("data.llm_confidence", cause.getField());
        assertEquals(0, memory().size("events.free-food"));
    }

    @Test
    void cloudEventsAreEmittedOnRequestAndConsumedLikeEnvelopes() throws Exception {
        start(Map.of());
        List<Envelope> got = collect("ce");
        List<String> wire = new CopyOnWriteArrayList<>();
        TransportConsumer raw = memory().bindConsumer("ce", new ConsumerBinding("wire", "wire-1", 1, 0, StartPosition.EARLIEST),
                d -> {
                    wire.add(new String(d.body(), StandardCharsets.UTF_8));
                    d.ack();
                });
        raw.start();
        Envelope event = Envelope.create("sales_updated", "integrator", MAPPER.createObjectNode().put("rows", 1));
        event.setTraceId("t-1");
        template.sendBody("bus:ce?cloudEvents=true", event);

        await().atMost(WAIT).until(() -> got.size() == 1 && wire.size() == 1);
        raw.stop();
        ObjectNode cloudEvent = (ObjectNode) MAPPER.readTree(wire.get(0));
        assertEquals("1.0", cloudEvent.get("specversion").asText());
        assertEquals(event.getEventId(), cloudEvent.get("id").asText());
        assertEquals("sales_updated", cloudEvent.get("type").asText());
        assertEquals("t-1", cloudEvent.get("traceid").asText());
        assertEquals(event.getEventId(), got.get(0).getEventId());
        assertEquals("t-1", got.get(0).getTraceId());
    }

    @Test
    void aFullTopicMakesPublishersWaitThenFailWithTheReason() throws Exception {
        start(Map.of("eventbus.memory.capacity", "5", "eventbus.memory.publish-timeout", "100"));
        // a group that never acknowledges: it joined, then stopped consuming
        memory().bindConsumer("orders", new ConsumerBinding("billing", "b-1", 1, 0, StartPosition.EARLIEST), d -> {
        });
        for (int i = 0; i < 5; i++) {
            template.sendBody("bus:orders?eventType=order_placed", Map.of("n", i));
        }
        CamelExecutionException e = assertThrows(CamelExecutionException.class,
                () -> template.sendBody("bus:orders?eventType=order_placed", Map.of("n", 5)));
        MemoryTopicFullException cause = assertInstanceOf(MemoryTopicFullException.class, e.getCause());
        assertEquals("in-memory topic 'orders' is full: 5 events retained (eventbus.memory.capacity=5) and consumer "
                + "group 'billing' has not acknowledged the oldest; gave up after 100 ms "
                + "(eventbus.memory.publish-timeout)", cause.getMessage());
    }

    @Test
    void aTopicWithoutGroupsKeepsOnlyTheNewestEvents() {
        start(Map.of("eventbus.memory.capacity", "5", "eventbus.memory.publish-timeout", "100"));
        for (int i = 0; i < 20; i++) {
            template.sendBody("bus:audit?eventType=audited", Map.of("n", i));
        }
        assertEquals(5, memory().size("audit"));
    }

    @Test
    void anEventFailingEveryDeliveryIsDeadLetteredAfterMaxDeliveries() throws Exception {
        start(Map.of());
        AtomicInteger attempts = new AtomicInteger();
        List<Envelope> dlq = collect("jobs.dlq");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:jobs?maxDeliveries=3&redeliveryDelay=5").routeId("jobs").errorHandler(noErrorHandler())
                        .process(e -> {
                            attempts.incrementAndGet();
                            throw new IllegalStateException("worker crashed");
                        });
            }
        });
        Envelope job = Envelope.create("job", "scheduler", MAPPER.createObjectNode());
        template.sendBody("bus:jobs", job);

        await().atMost(WAIT).until(() -> dlq.size() == 1);
        assertEquals(3, attempts.get());
        Envelope deadLetter = dlq.get(0);
        assertEquals(job.getEventId(), deadLetter.getEventId());
        assertEquals(3, deadLetter.getRetryCount());
        assertEquals("DeliveryLimitExceededException", deadLetter.getMetadata().get("error_type"));
        assertEquals("delivered 4 times to group 'jobs', more than maxDeliveries=3, every attempt failing",
                deadLetter.getMetadata().get("last_error"));
        assertEquals("delivery", deadLetter.getMetadata().get("failed_stage"));
    }

    @Test
    void anEventIsNotAcknowledgedUntilItsDeadLetterIsWritten() throws Exception {
        FlakyTransport flaky = new FlakyTransport(2);
        start(Map.of("eventbus.topics.payments.dlq.transport", "flaky"), Map.of("eventbus-transport-flaky", flaky));
        AtomicInteger attempts = new AtomicInteger();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:payments?redeliveryDelay=5").routeId("payments")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel())
                        .process(e -> {
                            attempts.incrementAndGet();
                            throw new FatalException("card number fails its checksum");
                        });
            }
        });
        Envelope payment = Envelope.create("payment_received", "psp", MAPPER.createObjectNode());
        template.sendBody("bus:payments", payment);

        await().atMost(WAIT).until(() -> flaky.written.size() == 1);
        assertEquals(3, attempts.get(), "redelivered by the transport while the dead-letter write failed");
        Envelope deadLetter = new EnvelopeCodec().decode(flaky.written.get(0));
        assertEquals(payment.getEventId(), deadLetter.getEventId());
        assertEquals("card number fails its checksum", deadLetter.getMetadata().get("last_error"));
        Thread.sleep(100);
        assertEquals(3, attempts.get(), "acknowledged once the dead letter was written");
    }

    @Test
    void anInvalidEventIsDeadLetteredExactlyAsItArrived() throws Exception {
        start(Map.of());
        List<Envelope> dlq = collect("listings.dlq");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:listings").routeId("listings").log("${body}");
            }
        });
        String original = "{\"event_id\":\"l-1\",\"event_type\":\"raw_listing\",\"price\":4500000.00}";
        memory().transport().bindProducer("listings")
                .publish(new OutboundMessage(null, original.getBytes(StandardCharsets.UTF_8), Map.of()));

        await().atMost(WAIT).until(() -> dlq.size() == 1);
        assertEquals(original, dlq.get(0).getData().get("original").toString());
    }

    @Test
    void aFailedExchangeThatNeverWasAnEventIsDeadLetteredAsItsBody() throws Exception {
        start(Map.of());
        List<Envelope> deadLetters = collect("dead_letter");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").routeId("csv-orders").errorHandler(EventBusErrorHandler.deadLetterChannel())
                        .process(e -> {
                            throw new FatalException("column 3 is not a quantity");
                        });
            }
        });
        template.sendBody("direct:orders", "order-17;widget;many");

        await().atMost(WAIT).until(() -> deadLetters.size() == 1);
        Envelope deadLetter = deadLetters.get(0);
        assertEquals("invalid_event", deadLetter.getEventType());
        assertEquals("order-17;widget;many", deadLetter.getData().get("raw").asText());
        assertEquals("column 3 is not a quantity", deadLetter.getMetadata().get("last_error"));
        assertEquals("csv-orders", deadLetter.getMetadata().get("failed_stage"));
        assertEquals("csv-orders", deadLetter.getMetadata().get("dead_lettered_from"));
    }

    @Test
    void anEventTypeCanHaveItsOwnRedeliveryPolicyInJava() throws Exception {
        start(Map.of());
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<Envelope> dlq = collect("alerts.dlq");
        List<Envelope> sent = collect("alerts.sent");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(1).redeliveryDelay(5));
                onException(RetryableException.class).onWhen(header(BusConstants.EVENT_TYPE).isEqualTo("page_oncall"))
                        .onExceptionOccurred(new FailedAttemptHook()).maximumRedeliveries(4).redeliveryDelay(5);
                from("bus:alerts").routeId("alerts").process(e -> {
                    Envelope event = e.getIn().getBody(Envelope.class);
                    if (attempts.computeIfAbsent(event.getEventType(), t -> new AtomicInteger()).incrementAndGet() <= 3) {
                        throw new RetryableException("pager service busy");
                    }
                }).to("bus:alerts.sent");
            }
        });
        template.sendBody("bus:alerts?eventType=page_oncall", Map.of("who", "sre"));
        await().atMost(WAIT).until(() -> sent.size() == 1);
        template.sendBody("bus:alerts?eventType=send_email", Map.of("to", "ops"));
        await().atMost(WAIT).until(() -> dlq.size() == 1);

        assertEquals(4, attempts.get("page_oncall").get(), "page_oncall: 1 + up to 4 redeliveries, succeeded on the 4th");
        assertEquals(2, attempts.get("send_email").get(), "send_email: the route's 1 redelivery, then the DLQ");
        assertEquals("send_email", dlq.get(0).getEventType());
        assertEquals(1, dlq.get(0).getRetryCount());
    }

    @Test
    void processingFailedEventsCanBeSwitchedOff() throws Exception {
        start(Map.of("eventbus.deadletter.failed-topic", "none"));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:jobs").routeId("jobs").errorHandler(EventBusErrorHandler.deadLetterChannel())
                        .process(e -> {
                            throw new FatalException("no such job");
                        });
            }
        });
        template.sendBody("bus:jobs?eventType=job", Map.of());
        await().atMost(WAIT).until(() -> memory().size("jobs.dlq") == 1);
        assertEquals(0, memory().size("processing.failed"));
    }

    @Test
    void anUnknownTransportFailsTheRouteWithTheReason() {
        start(Map.of("eventbus.transport", "nats"));
        Exception e = assertThrows(Exception.class, () -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders").routeId("orders").log("${body}");
            }
        }));
        Throwable root = rootCause(e);
        assertEquals("eventbus.transport: unknown transport \"nats\" (no META-INF/services/io/eventbus/transport/nats "
                + "on the class path; built in: memory)", root.getMessage());
    }

    @Test
    void aMisspelledEndpointOptionIsRefusedWithItsName() {
        start(Map.of());
        Exception e = assertThrows(Exception.class, () -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?concurency=4").routeId("orders").log("${body}");
            }
        }));
        Throwable root = rootCause(e);
        assertTrue(root.getMessage().contains("Unknown parameters=[{concurency=4}]"), root.getMessage());
    }

    @Test
    void aMalformedSettingFailsTheStartWithTheKey() {
        Exception e = assertThrows(Exception.class, () -> start(Map.of("eventbus.envelope.max-bytes", "1MB")));
        Throwable root = rootCause(e);
        assertEquals("eventbus.envelope.max-bytes: expected an integer between 1 and 2147483647 but was \"1MB\"",
                root.getMessage());
    }

    @Test
    void aMistypedSchemaLocationFailsTheStartInsteadOfSwitchingValidationOff() {
        Exception e = assertThrows(Exception.class, () -> start(Map.of("eventbus.schema.location", "shemas")));
        assertEquals("eventbus.schema.location: JSON Schema location \"shemas\": not a directory",
                rootCause(e).getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    private void start(Map<String, String> properties) {
        start(properties, Map.of());
    }

    private void start(Map<String, String> properties, Map<String, Object> beans) {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(props);
        beans.forEach(context.getRegistry()::bind);
        context.start();
        // the component reads its settings when it starts, which is on first use
        context.getComponent("bus", BusComponent.class);
        template = context.createProducerTemplate();
    }

    private MemoryTransportAccess memory() {
        return new MemoryTransportAccess(context.getComponent("bus", BusComponent.class).transportFor("any"));
    }

    private List<Envelope> collect(String topic) throws Exception {
        List<Envelope> got = new CopyOnWriteArrayList<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=collector").routeId("collect-" + topic)
                        .process((Exchange e) -> got.add(e.getIn().getBody(Envelope.class)));
            }
        });
        return got;
    }

    /** The in-memory transport, seen through the SPI plus its size query. */
    private record MemoryTransportAccess(Transport transport) {
        int size(String topic) {
            return ((MemoryTransport) transport).size(topic);
        }

        TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
            return transport.bindConsumer(topic, binding, handler);
        }
    }

    /** A transport whose first {@code failures} publishes fail, as a broker briefly unreachable would. */
    private static final class FlakyTransport implements Transport {
        final List<byte[]> written = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft;

        FlakyTransport(int failures) {
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public TransportProducer bindProducer(String topic) {
            return message -> {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new java.io.IOException("connection reset while writing to " + topic);
                }
                written.add(message.body());
            };
        }

        @Override
        public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
            throw new UnsupportedOperationException("the flaky transport only publishes");
        }

        @Override
        public TopicStats stats(String topic, Set<String> groups) {
            return new TopicStats(topic, (long) written.size(), List.of(), Map.of());
        }

        @Override
        public TransportHealth health() {
            return new TransportHealth(true, 0, null, Map.of());
        }

        @Override
        public void close() {
        }
    }
}
