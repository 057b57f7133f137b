package io.eventbus.errorhandling;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;
import io.eventbus.transport.FatalException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A YAML route's {@code circuitBreaker} stage in front of a dependency that fails for 3 s and recovers, while 200
 * events flow on the memory transport: the breaker opens, the bus holds the events instead of burning their
 * redeliveries, and once the breaker half-opens and closes every event is processed exactly from the published
 * set, none dead-lettered; its state was a readiness detail and a meter throughout. With the breaker closed, a
 * permanent failure is still dead-lettered at once.
 */
class CircuitBreakerIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int EVENTS = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The route of docs/errors-and-dead-letters.md: the breaker opens within the event's redeliveries. */
    private static final String ROUTE = """
            - route:
                id: enrich
                errorHandler:
                  deadLetterChannel:
                    deadLetterUri: bus:dlq
                    deadLetterHandleNewException: false
                    onExceptionOccurredRef: busFailedAttemptHook
                    redeliveryPolicy:
                      maximumRedeliveries: 3
                      redeliveryDelay: 50
                from:
                  uri: bus:TOPIC?group=enricher&concurrency=4
                  steps:
                    - step:
                        id: enrich
                        steps:
                          - circuitBreaker:
                              id: pricing
                              resilience4jConfiguration:
                                slidingWindowSize: 6
                                minimumNumberOfCalls: 3
                                failureRateThreshold: 50
                                waitDurationInOpenState: 1
                                permittedNumberOfCallsInHalfOpenState: 2
                              steps:
                                - process:
                                    ref: pricingService
                    - process:
                        ref: processed
            """;

    private CamelContext context;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger dependencyCalls = new AtomicInteger();
    private final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    private final Set<String> deadLettered = new CopyOnWriteArraySet<>();

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void eventsWaitOutAnOutageBehindTheOpenBreakerAndNoneIsDeadLettered() throws Exception {
        String topic = start();
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> published = new TreeSet<>();
        Set<String> statesSeen = new CopyOnWriteArraySet<>();
        Set<String> readinessSeen = new CopyOnWriteArraySet<>();
        Set<String> metersSeen = new CopyOnWriteArraySet<>();
        HeldCircuitBreaker breaker = breaker();
        Set<String> transitions = new CopyOnWriteArraySet<>();
        context.getProcessor("pricing", ResilienceProcessor.class).getCircuitBreaker().getEventPublisher()
                .onStateTransition(e -> transitions.add(e.getStateTransition().name()));
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                statesSeen.add(breaker.getState());
                HealthCheck.Result readiness = readiness("consumer:enrich");
                // the consumer stays ready whatever the breaker's state
                readinessSeen.add(readiness.getState() + " " + readiness.getDetails().get("breaker.pricing.state"));
                for (String state : new String[] { "closed", "open", "half_open" }) {
                    if (stateGauge(state) == 1.0) {
                        metersSeen.add(state);
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            for (int i = 0; i < EVENTS; i++) {
                if (i == 40) {
                    down.set(true);
                    new Thread(() -> {
                        sleep(3_000);
                        down.set(false);
                    }).start();
                }
                Envelope event = Envelope.create("order_placed", "breaker-it", MAPPER.createObjectNode().put("n", i));
                template.sendBody("bus:" + topic, event);
                published.add(event.getEventId());
                Thread.sleep(15);
            }
            await().atMost(WAIT).until(() -> processed.keySet().containsAll(published) && !down.get());
            await().atMost(WAIT).untilAsserted(() -> {
                assertEquals("CLOSED", breaker.getState());
                assertEquals("CLOSED", readiness("consumer:enrich").getDetails().get("breaker.pricing.state"));
                assertEquals(1.0, stateGauge("closed"));
                assertEquals(0.0, stateGauge("open"));
            });
            Thread.sleep(500);
        } finally {
            sampler.interrupt();
        }
        Set<String> missing = new TreeSet<>(published);
        missing.removeAll(processed.keySet());
        Set<String> extra = new TreeSet<>(processed.keySet());
        extra.removeAll(published);
        long duplicates = processed.values().stream().filter(n -> n.get() > 1).count();
        double deadLetteredCount = metrics().sum(BusMetrics.DEAD_LETTERED, Tags.of(BusMetrics.TOPIC, topic));
        System.out.printf("CircuitBreakerIT: %d published, %d processed (%d more than once), %d dead-lettered, "
                + "dependency called %d times, %d holds, %d calls not permitted, states seen %s, readiness %s, "
                + "meters %s, transitions %s%n", published.size(), processed.size(), duplicates, deadLettered.size(),
                dependencyCalls.get(), breaker.getHolds(), breaker.getNotPermittedCalls(), statesSeen, readinessSeen,
                metersSeen, transitions);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail("expected exactly the " + published.size() + " published ids; missing " + missing + "; extra "
                    + extra);
        }
        assertEquals(0, duplicates, "nothing was rejected to the transport, so nothing came twice");
        assertEquals(Set.of(), deadLettered, "nothing dead-lettered for the outage");
        assertEquals(0.0, deadLetteredCount);
        assertTrue(transitions.containsAll(Set.of("CLOSED_TO_OPEN", "OPEN_TO_HALF_OPEN", "HALF_OPEN_TO_CLOSED")),
                "transitions: " + transitions);
        assertTrue(statesSeen.containsAll(Set.of("CLOSED", "OPEN")), "states seen: " + statesSeen);
        assertTrue(readinessSeen.containsAll(Set.of("UP CLOSED", "UP OPEN")), "readiness seen: " + readinessSeen);
        assertTrue(readinessSeen.stream().allMatch(seen -> seen.startsWith("UP ")), "readiness seen: " + readinessSeen);
        assertTrue(metersSeen.containsAll(Set.of("closed", "open")), "meter states seen: " + metersSeen);
        assertTrue(breaker.getHolds() > 0, "events were held");
        assertEquals(0, breaker.getHeldEvents());
    }

    @Test
    void aPermanentFailureIsStillDeadLetteredWhileTheBreakerIsClosed() throws Exception {
        String topic = start();
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> published = new TreeSet<>();
        String poison = null;
        for (int i = 0; i < 20; i++) {
            Envelope event = Envelope.create("order_placed", "breaker-it",
                    MAPPER.createObjectNode().put("n", i).put("poison", i == 10));
            template.sendBody("bus:" + topic, event);
            published.add(event.getEventId());
            if (i == 10) {
                poison = event.getEventId();
            }
        }
        String poisonId = poison;
        await().atMost(WAIT).until(() -> processed.size() == 19 && deadLettered.size() == 1);
        Thread.sleep(300);
        assertEquals(Set.of(poisonId), deadLettered);
        Set<String> expected = new TreeSet<>(published);
        expected.remove(poisonId);
        assertEquals(expected, new TreeSet<>(processed.keySet()));
        assertEquals("CLOSED", breaker().getState());
        assertEquals(0, breaker().getHolds(), "a permanent failure is the event's, never held");
        assertEquals(1.0, metrics().sum(BusMetrics.DEAD_LETTERED, Tags.of(BusMetrics.TOPIC, topic)));
    }

    private String start() throws Exception {
        String topic = "orders-" + Long.toHexString(System.nanoTime());
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(new Properties());
        context.getRegistry().bind("pricingService", (Processor) exchange -> {
            dependencyCalls.incrementAndGet();
            if (down.get()) {
                throw new IOException("pricing service refused the connection");
            }
            Envelope event = exchange.getIn().getBody(Envelope.class);
            if (event.getData().path("poison").asBoolean()) {
                throw new FatalException("no price for order " + event.getData().get("n"));
            }
        });
        context.getRegistry().bind("processed", (Processor) exchange -> processed
                .computeIfAbsent(exchange.getIn().getBody(Envelope.class).getEventId(), id -> new AtomicInteger())
                .incrementAndGet());
        // what camel.health.consumers-enabled=true does in Camel Main
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(health.resolveById("consumers"));
        context.addRoutes(PluginHelper.getRoutesLoader(context).findRoutesBuilders(
                ResourceHelper.fromString("enrich.camel.yaml", ROUTE.replace("TOPIC", topic))).iterator().next());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + ".dlq?group=dlq-watch").routeId("dlq-watch")
                        .process(e -> deadLettered.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        context.start();
        return topic;
    }

    private HeldCircuitBreaker breaker() {
        return context.getComponent("bus", BusComponent.class).getCircuitBreakers().find("enrich", "pricing")
                .orElseThrow(() -> new AssertionError("the bus holds no breaker 'pricing' of route 'enrich'"));
    }

    private BusMetrics metrics() {
        return BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
    }

    private double stateGauge(String state) {
        return metrics().registry().find(BusMetrics.BREAKER_STATE)
                .tags("route", "enrich", "breaker", "pricing", "state", state).gauge().value();
    }

    private HealthCheck.Result readiness(String id) {
        return HealthCheckHelper.invokeReadiness(context, "full").stream()
                .filter(r -> r.getCheck().getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no readiness check " + id));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
