package io.eventbus.observability;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeRedeliveryEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusConstants;
import io.eventbus.bus.ConsumerTags;
import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.errorhandling.FailedAttemptHook;
import io.eventbus.transport.RetryableException;

import static io.eventbus.observability.BusMetrics.ACKNOWLEDGED;
import static io.eventbus.observability.BusMetrics.CONSUMED;
import static io.eventbus.observability.BusMetrics.DEAD_LETTERED;
import static io.eventbus.observability.BusMetrics.DEDUPLICATED;
import static io.eventbus.observability.BusMetrics.FAILED;
import static io.eventbus.observability.BusMetrics.REDELIVERED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The meters Camel's exchange events used to feed — redeliveries by a route's error handler, duplicates, end-to-end
 * latency — recorded from what the bus tells its observer when it settles a delivery, with no event notifier that
 * makes Camel build exchange events; and the redeliveries counted exactly as many as Camel announces.
 */
class SettlementMetricsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void processedDuplicateRedeliveredAndDeadLetteredEventsAreCountedAtSettlement() throws Exception {
        start(Map.of("seen", new MemoryIdempotentRepository()));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(2).redeliveryDelay(0));
                from("bus:s.orders?group=g").routeId("orders")
                        .process(failingFirstAttempts())
                        .process(e -> e.getIn().setHeader("order", data(e).path("order").asText()))
                        .idempotentConsumer(header("order")).idempotentRepository("seen").skipDuplicate(true)
                            .log("processed ${header.EventId}")
                        .end();
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        template.sendBody("bus:s.orders", order("a", 0));   // processed
        template.sendBody("bus:s.orders", order("a", 0));   // a duplicate, filtered
        template.sendBody("bus:s.orders", order("b", 1));   // redelivered once by Camel, then processed
        template.sendBody("bus:s.orders", order("c", 99));  // redelivered twice, then dead-lettered

        BusMetrics metrics = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
        Tags orders = Tags.of("topic", "s.orders", "group", "g", "route", "orders", "transport", "memory")
                .and("event_type", "order_placed");
        await().atMost(WAIT).until(() -> metrics.count(ACKNOWLEDGED, orders) == 4);

        assertEquals(4, metrics.count(CONSUMED, orders));
        assertEquals(0, metrics.count(FAILED, orders));
        assertEquals(3, metrics.count(REDELIVERED, orders.and("redelivered_by", "camel")));
        assertEquals(0, metrics.count(REDELIVERED, orders.and("redelivered_by", "transport")));
        assertEquals(1, metrics.count(DEDUPLICATED, orders));
        assertEquals(1, metrics.sum(DEAD_LETTERED, Tags.of("topic", "s.orders", "event_type", "order_placed")));
        Timer latency = metrics.registry().find(BusMetrics.LATENCY).tags(orders).timer();
        assertNotNull(latency);
        assertEquals(3, latency.count(), "the processed, the duplicate and the redelivered one; not the dead letter");

        // nothing made Camel build exchange events: no notifier wants them, completed ones least of all
        assertFalse(context.getManagementStrategy().getEventNotifiers().isEmpty());
        for (EventNotifier notifier : context.getManagementStrategy().getEventNotifiers()) {
            assertTrue(notifier.isIgnoreExchangeEvents() || notifier.isIgnoreExchangeCompletedEvent(),
                    notifier + " wants ExchangeCompleted events");
        }
        assertTrue(context.getManagementStrategy().getEventNotifiers().stream()
                .anyMatch(StageTimingNotifier.class::isInstance));
        assertFalse(context.getCamelContextExtension().isEventNotificationApplicable());
    }

    @Test
    void redeliveriesAreAsManyAsCamelAnnounces() throws Exception {
        RedeliveryEvents announced = new RedeliveryEvents();
        start(Map.of());
        ServiceHelper.startService(announced);
        context.getManagementStrategy().addEventNotifier(announced);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:s.dlc?group=g").routeId("dlc")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(2)
                                .redeliveryDelay(0))
                        .process(failingFirstAttempts());
                from("bus:s.hooked?group=g&maxDeliveries=2&redeliveryDelay=10").routeId("hooked")
                        .errorHandler(defaultErrorHandler().onExceptionOccurred(new FailedAttemptHook())
                                .maximumRedeliveries(2).redeliveryDelay(0))
                        .process(failingFirstAttempts());
                from("bus:s.plain?group=g&maxDeliveries=2&redeliveryDelay=10").routeId("plain")
                        .errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0))
                        .process(failingFirstAttempts());
                from("bus:s.handled?group=g").routeId("handled")
                        .errorHandler(defaultErrorHandler())
                        .onException(RetryableException.class).onExceptionOccurred(new FailedAttemptHook())
                            .maximumRedeliveries(1).redeliveryDelay(0).handled(true)
                        .end()
                        .process(failingFirstAttempts());
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        // redelivered once and processed; dead-lettered after 2 redeliveries; permanent, dead-lettered at once
        template.sendBody("bus:s.dlc", order("a", 1));
        template.sendBody("bus:s.dlc", order("b", 99));
        template.sendBody("bus:s.dlc", order("c", -1));
        // processed after a redelivery; failing each delivery after 2 redeliveries, then dead-lettered by the bus
        template.sendBody("bus:s.hooked", order("d", 1));
        template.sendBody("bus:s.hooked", order("e", 99));
        // the same without the hook: Camel's redelivery counter tells
        template.sendBody("bus:s.plain", order("f", 2));
        template.sendBody("bus:s.plain", order("g", 99));
        // handled by onException after its redelivery
        template.sendBody("bus:s.handled", order("h", 99));

        BusMetrics metrics = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
        Map<String, Integer> events = Map.of("dlc", 3, "hooked", 2, "plain", 2, "handled", 1);
        await().atMost(WAIT).until(() -> events.entrySet().stream()
                .allMatch(e -> metrics.sum(ACKNOWLEDGED, Tags.of("route", e.getKey())) == e.getValue()));

        Map<String, Integer> expected = Map.of("dlc", 3, "hooked", 1 + 2 * 2, "plain", 2 + 2 * 2, "handled", 1);
        for (String route : events.keySet()) {
            double counted = metrics.sum(REDELIVERED, Tags.of("route", route, "redelivered_by", "camel"));
            assertEquals(announced.of(route), counted, route + ": as many as Camel announced");
            assertEquals(expected.get(route).doubleValue(), counted, route);
        }
        assertEquals(2, metrics.sum(FAILED, Tags.of("route", "hooked")));
        assertEquals(2, metrics.sum(FAILED, Tags.of("route", "plain")));
    }

    /**
     * Fails an event's first {@code failures} attempts, counted over the transport's deliveries too, with a transient
     * failure; a negative count fails every attempt with a permanent one.
     */
    private Processor failingFirstAttempts() {
        return exchange -> {
            int failures = data(exchange).path("failures").asInt();
            if (failures < 0) {
                throw new IllegalArgumentException("not an order");
            }
            String id = exchange.getIn().getHeader(BusConstants.EVENT_ID, String.class);
            if (attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= failures) {
                throw new RetryableException("the order service timed out");
            }
        };
    }

    private void start(Map<String, Object> beans) {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.metrics.backlog-interval", "600000");
        context.getPropertiesComponent().setInitialProperties(props);
        beans.forEach(context.getRegistry()::bind);
        context.start();
    }

    private static JsonNode data(Exchange exchange) {
        return exchange.getIn().getBody(Envelope.class).getData();
    }

    private static Envelope order(String order, int failures) {
        return Envelope.create("order_placed", "settlement-test",
                MAPPER.createObjectNode().put("order", order).put("failures", failures));
    }

    /** Camel's redelivery events of exchanges a bus: consumer created, per route: what the meter counted before. */
    private static final class RedeliveryEvents extends EventNotifierSupport {
        private final Map<String, AtomicInteger> byRoute = new ConcurrentHashMap<>();

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof ExchangeRedeliveryEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            Exchange exchange = ((ExchangeRedeliveryEvent) event).getExchange();
            ConsumerTags consumer = exchange.getProperty(ConsumerTags.PROPERTY, ConsumerTags.class);
            String correlation = exchange.getProperty(ExchangePropertyKey.CORRELATION_ID, String.class);
            if (consumer != null && (correlation == null || correlation.equals(exchange.getExchangeId()))) {
                byRoute.computeIfAbsent(consumer.route(), r -> new AtomicInteger()).incrementAndGet();
            }
        }

        int of(String route) {
            AtomicInteger count = byRoute.get(route);
            return count == null ? 0 : count.get();
        }
    }
}
