package io.eventbus.bus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.tracing.TraceParent;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The transport contract: the scenarios every transport behind {@code bus:} must pass against its real broker,
 * after Watermill's universal pub/sub tests. Each transport's test extends this class, says which transport to
 * use ({@link #transportProperties()}) and declares its {@link Features}, which choose the variant of a scenario
 * (never whether it runs).
 * <p>
 * Every scenario counts: it compares the exact set of event ids published with those processed and dead-lettered,
 * and a failure lists the missing and the extra ids. Each test uses its own topics, so brokers that keep data
 * between runs do not leak events from one test into another.
 */
public abstract class TransportContractIT {

    /**
     * What a transport claims beyond the common contract.
     *
     * @param persistent          events survive the transport being closed and re-created (a broker, not the JVM,
     *                            holds them): the stopped-consumer scenario then also re-creates the transport
     * @param orderedPerKeyAcrossMembers per-key order holds across several members of a group (Kafka partitions);
     *                            otherwise the ordering scenario uses a single consumer
     */
    public record Features(boolean persistent, boolean orderedPerKeyAcrossMembers) {
    }

    protected static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    protected CamelContext context;
    protected ProducerTemplate template;
    private String prefix;

    /** The features this transport claims. */
    protected abstract Features features();

    /** The {@code eventbus.*} properties selecting and configuring the transport under test. */
    protected abstract Map<String, String> transportProperties();

    @BeforeEach
    void startCamel() throws Exception {
        prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        context = newContext();
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() {
        if (context != null) {
            context.stop();
        }
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    void publishSubscribeKeepsPayloadHeadersTraceContextAndUnknownFields() throws Exception {
        String topic = topic("pubsub");
        Map<String, Exchange> received = new ConcurrentHashMap<>();
        consume(topic, "g", "pubsub", e -> received.put(envelope(e).getEventId(), e.copy()));
        List<Envelope> published = publish(topic, 1000);

        awaitIds(ids(published), received.keySet(), "processed");
        for (Envelope sent : published) {
            Exchange exchange = received.get(sent.getEventId());
            Envelope got = envelope(exchange);
            assertEquals(sent.getData(), got.getData(), "data of " + sent.getEventId());
            assertEquals(sent.getTags(), got.getTags(), "tags of " + sent.getEventId());
            assertEquals(sent.getTraceId(), got.getTraceId(), "trace_id of " + sent.getEventId());
            assertEquals(sent.getKey(), got.getKey(), "key of " + sent.getEventId());
            assertEquals(sent.getExtensions(), got.getExtensions(), "unknown top-level fields of " + sent.getEventId());
            assertEquals(0, got.getRetryCount());
            assertNotNull(got.getPublishedAt());
            assertEquals(sent.getEventType(), exchange.getIn().getHeader(BusConstants.EVENT_TYPE));
            assertEquals(sent.getEventId(), exchange.getIn().getHeader(BusConstants.EVENT_ID));
            assertEquals(sent.getTraceId(), exchange.getIn().getHeader(BusConstants.TRACE_ID));
            TraceParent traceparent = TraceParent.parse(exchange.getIn().getHeader(TraceParent.HEADER, String.class));
            assertNotNull(traceparent, "the W3C traceparent header travelled with " + sent.getEventId());
            assertEquals(TraceParent.traceIdOf(sent.getTraceId()), traceparent.traceId(), "traceparent's trace id");
            assertEquals("1.2.3", exchange.getIn().getHeader(BusConstants.SCHEMA_VERSION));
            assertEquals(topic, exchange.getIn().getHeader(BusConstants.TOPIC));
        }
    }

    @Test
    void concurrentPublishersAndCompetingMembersLoseNothing() throws Exception {
        String topic = topic("compete");
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
        for (int m = 0; m < 5; m++) {
            String member = "member-" + m;
            consume(topic, "workers", member, e -> {
                processed.computeIfAbsent(envelope(e).getEventId(), id -> new AtomicInteger()).incrementAndGet();
                perMember.computeIfAbsent(member, id -> new AtomicInteger()).incrementAndGet();
            });
        }
        Set<String> published = ConcurrentHashMap.newKeySet();
        ExecutorService publishers = Executors.newFixedThreadPool(20);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < 20; p++) {
                done.add(publishers.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        Envelope event = event(i);
                        template.sendBody("bus:" + topic, event);
                        published.add(event.getEventId());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            publishers.shutdownNow();
        }
        assertEquals(5000, published.size());
        awaitIds(published, processed.keySet(), "processed");
        assertNoDuplicates(processed);
        assertTrue(perMember.size() >= 2, "members of one group should share the events, but only " + perMember
                + " received any");
    }

    @Test
    void everyGroupReceivesEveryEvent() throws Exception {
        String topic = topic("groups");
        Set<String> billing = ConcurrentHashMap.newKeySet();
        Set<String> audit = ConcurrentHashMap.newKeySet();
        consume(topic, "billing", "billing", e -> billing.add(envelope(e).getEventId()));
        consume(topic, "audit", "audit", e -> audit.add(envelope(e).getEventId()));
        Set<String> published = ids(publish(topic, 200));

        awaitIds(published, billing, "received by group billing");
        awaitIds(published, audit, "received by group audit");
    }

    @Test
    void failedDeliveriesAreRedeliveredUntilProcessed() throws Exception {
        String topic = topic("redeliver");
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Map<String, Integer> retryCountWhenProcessed = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&redeliveryDelay=10&maxDeliveries=0").routeId("flaky")
                        .errorHandler(noErrorHandler())
                        .process(e -> {
                            Envelope event = envelope(e);
                            attempts.computeIfAbsent(event.getEventId(), id -> new AtomicInteger()).incrementAndGet();
                            if (e.getIn().getHeader(BusConstants.DELIVERY_COUNT, Integer.class) <= 2) {
                                throw new RetryableException("downstream unavailable");
                            }
                            retryCountWhenProcessed.put(event.getEventId(), event.getRetryCount());
                        });
            }
        });
        Set<String> published = ids(publish(topic, 100));

        awaitIds(published, retryCountWhenProcessed.keySet(), "processed");
        attempts.forEach((id, n) -> assertEquals(3, n.get(), "attempts of " + id));
        retryCountWhenProcessed.forEach((id, n) -> assertEquals(2, n, "retry_count of " + id + " when processed"));
    }

    @Test
    void aFreshConsumerReceivesWhatFailingMembersRejected() throws Exception {
        String topic = topic("failing");
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        for (int m = 0; m < 3; m++) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + topic + "?group=g&redeliveryDelay=20&maxDeliveries=0").routeId("failing-" + UUID.randomUUID())
                            .errorHandler(noErrorHandler())
                            .process(e -> {
                                attempts.computeIfAbsent(envelope(e).getEventId(), id -> new AtomicInteger()).incrementAndGet();
                                throw new RetryableException("this member fails everything");
                            });
                }
            });
        }
        Set<String> published = ids(publish(topic, 100));
        awaitIds(published, attempts.keySet(), "attempted by the failing members");
        for (var route : List.copyOf(context.getRoutes())) {
            context.getRouteController().stopRoute(route.getRouteId());
        }

        Set<String> processed = ConcurrentHashMap.newKeySet();
        // unlimited deliveries: on a slow machine the failing members may have used up the default 10 per event,
        // and this scenario is about receiving what they rejected, not about the delivery limit
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&maxDeliveries=0").routeId("fresh")
                        .process(e -> processed.add(envelope(e).getEventId()));
            }
        });
        awaitIds(published, processed, "processed by the fresh consumer");
    }

    @Test
    void aNewMemberGetsTheRestWhenAConsumerStopsMidStream() throws Exception {
        String topic = topic("handover");
        Set<String> first = ConcurrentHashMap.newKeySet();
        CountDownLatch fiftieth = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        consume(topic, "g", "first", e -> {
            first.add(envelope(e).getEventId());
            if (first.size() == 50) {
                // hold the 50th event in flight until the stop has begun: mid-stream whatever the machine's speed
                fiftieth.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
        });
        Set<String> published = ids(publish(topic, 300));
        assertTrue(fiftieth.await(60, TimeUnit.SECONDS), "the first consumer reached its 50th event");
        Thread stopper = new Thread(() -> {
            try {
                context.getRouteController().stopRoute("first");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "stop-first");
        stopper.start();
        // the route counts as started until its in-flight exchange ends: watch its consumer begin to stop instead
        ServiceSupport firstConsumer = (ServiceSupport) context.getRoute("first").getConsumer();
        await().atMost(WAIT)
                .until(() -> firstConsumer.isStoppingOrStopped() || firstConsumer.isSuspendingOrSuspended());
        release.countDown();
        stopper.join(WAIT.toMillis());
        assertEquals(50, first.size(), "the first consumer takes nothing once stopping");
        if (features().persistent()) {
            context.stop();
            context = newContext();
            context.start();
        }

        Set<String> second = ConcurrentHashMap.newKeySet();
        consume(topic, "g", "second", e -> second.add(envelope(e).getEventId()));
        Set<String> all = ConcurrentHashMap.newKeySet();
        await().atMost(WAIT).untilAsserted(() -> {
            all.clear();
            all.addAll(first);
            all.addAll(second);
            assertExactIds(published, all, "processed by the two consumers");
        });
    }

    @Test
    void orderIsKeptPerKey() throws Exception {
        String topic = topic("ordered");
        Map<String, List<Integer>> arrivals = new ConcurrentHashMap<>();
        int members = features().orderedPerKeyAcrossMembers() ? 3 : 1;
        for (int m = 0; m < members; m++) {
            consume(topic, "g", "ordered-" + m, e -> {
                Envelope event = envelope(e);
                arrivals.computeIfAbsent(event.getKey(), k -> new CopyOnWriteArrayList<>())
                        .add(event.getData().get("seq").asInt());
            });
        }
        for (int seq = 0; seq < 50; seq++) {
            for (int k = 0; k < 16; k++) {
                Envelope event = event(seq);
                event.setKey("key-" + k);
                ((ObjectNode) event.getData()).put("seq", seq);
                template.sendBody("bus:" + topic, event);
            }
        }
        await().atMost(WAIT).until(() -> arrivals.values().stream().mapToInt(List::size).sum() >= 800);
        List<Integer> expected = new ArrayList<>();
        for (int seq = 0; seq < 50; seq++) {
            expected.add(seq);
        }
        assertEquals(16, arrivals.size(), "keys received");
        arrivals.forEach((key, seqs) -> assertEquals(expected, seqs, "arrival order of " + key));
    }

    @Test
    void topicsAreIsolated() throws Exception {
        String left = topic("left");
        String right = topic("right");
        Set<String> fromLeft = ConcurrentHashMap.newKeySet();
        Set<String> fromRight = ConcurrentHashMap.newKeySet();
        consume(left, "g", "left", e -> fromLeft.add(envelope(e).getEventId()));
        consume(right, "g", "right", e -> fromRight.add(envelope(e).getEventId()));
        Set<String> toLeft = ids(publish(left, 50));
        Set<String> toRight = ids(publish(right, 70));

        awaitIds(toLeft, fromLeft, "received on " + left);
        awaitIds(toRight, fromRight, "received on " + right);
        Thread.sleep(200);
        assertExactIds(toLeft, fromLeft, "received on " + left + " after settling");
        assertExactIds(toRight, fromRight, "received on " + right + " after settling");
    }

    @Test
    void aPoisonEventIsDeadLetteredAfterItsRedeliveriesWhileOthersFlow() throws Exception {
        String topic = topic("poison");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<Envelope> deadLetters = new CopyOnWriteArrayList<>();
        // the ids the wait below polls: a live set, since the DLQ reader may still be behind when processing is done
        Set<String> deadLetteredIds = ConcurrentHashMap.newKeySet();
        List<Envelope> failures = new CopyOnWriteArrayList<>();
        List<Envelope> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(event(i));
        }
        String poison = events.get(37).getEventId();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g").routeId("with-poison")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(2).redeliveryDelay(5))
                        .process(e -> {
                            String id = envelope(e).getEventId();
                            attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                            if (id.equals(poison)) {
                                throw new RetryableException("enrichment service keeps timing out");
                            }
                            processed.add(id);
                        });
                from("bus:" + topic + ".dlq?group=ops").routeId("dlq-reader").process(e -> {
                    deadLetters.add(envelope(e));
                    deadLetteredIds.add(envelope(e).getEventId());
                });
                from("bus:processing.failed?group=" + prefix + "ops").routeId("failed-reader")
                        .process(e -> failures.add(envelope(e)));
            }
        });
        for (Envelope event : events) {
            template.sendBody("bus:" + topic, event);
        }

        Set<String> expectedProcessed = new LinkedHashSet<>(ids(events));
        expectedProcessed.remove(poison);
        awaitIds(expectedProcessed, processed, "processed");
        awaitIds(Set.of(poison), deadLetteredIds, "dead-lettered");
        assertEquals(events.size(), processed.size() + deadLetters.size(), "published = processed + dead-lettered");
        assertEquals(3, attempts.get(poison).get(), "attempts of the poison event (1 + 2 redeliveries)");
        Envelope deadLetter = deadLetters.get(0);
        assertEquals(2, deadLetter.getRetryCount());
        assertEquals("enrichment service keeps timing out", deadLetter.getMetadata().get("last_error"));
        assertEquals("RetryableException", deadLetter.getMetadata().get("error_type"));
        assertEquals("with-poison", deadLetter.getMetadata().get("failed_stage"));
        assertEquals(topic, deadLetter.getMetadata().get("dead_lettered_from"));
        assertNotNull(deadLetter.getMetadata().get("failed_at"));
        assertEquals(events.get(37).getData(), deadLetter.getData(), "the dead letter carries the original data");
        await().atMost(WAIT).until(() -> failures.stream().anyMatch(f -> poison.equals(f.getParentEventId())));
        Envelope failed = failures.stream().filter(f -> poison.equals(f.getParentEventId())).findFirst().orElseThrow();
        assertEquals("processing_failed", failed.getEventType());
        assertEquals(topic + ".dlq", failed.getData().get("dead_lettered_to").asText());
        assertEquals(events.get(37).getTraceId(), failed.getTraceId());
    }

    @Test
    void invalidEventsAreDeadLetteredWithTheReasonAndNeverReachTheRoute() throws Exception {
        String topic = topic("invalid");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        List<Envelope> deadLetters = new CopyOnWriteArrayList<>();
        consume(topic, "g", "strict", e -> processed.add(envelope(e).getEventId()));
        consume(topic + ".dlq", "ops", "strict-dlq", e -> deadLetters.add(envelope(e)));

        TransportProducer raw = context.getComponent("bus", BusComponent.class).transportFor(topic).bindProducer(topic);
        raw.publish(new OutboundMessage(null, "{\"event_id\": \"broken\", ".getBytes(StandardCharsets.UTF_8), Map.of()));
        ObjectNode badFood = MAPPER.createObjectNode();
        badFood.put("event_id", "food-1").put("event_type", "FREE_FOOD_EVENT").put("schema_version", "1.0.0")
                .put("source", "umass-calendar").put("published_at", "2025-11-02T14:03:22Z");
        badFood.putObject("data").put("title", "Free Pizza Night").put("llm_confidence", 1.5);
        raw.publish(new OutboundMessage(null, MAPPER.writeValueAsBytes(badFood), Map.of()));
        Set<String> valid = ids(publish(topic, 10));

        awaitIds(valid, processed, "processed");
        await().atMost(WAIT).until(() -> deadLetters.size() >= 2);
        Thread.sleep(200);
        assertExactIds(valid, processed, "processed after settling");
        assertEquals(2, deadLetters.size(), "dead letters " + deadLetters);
        assertEquals(12, processed.size() + deadLetters.size(), "published = processed + dead-lettered");
        Map<String, Envelope> byId = new HashMap<>();
        deadLetters.forEach(d -> byId.put(d.getEventId(), d));
        Envelope notJson = deadLetters.stream().filter(d -> d.getData().has("raw")).findFirst().orElseThrow();
        assertEquals("invalid_event", notJson.getEventType());
        assertTrue(((String) notJson.getMetadata().get("last_error")).startsWith("envelope: not valid JSON"),
                "reason was " + notJson.getMetadata().get("last_error"));
        Envelope food = byId.get("food-1");
        assertNotNull(food, "the schema-failing event keeps its event_id in the DLQ: " + byId.keySet());
        assertEquals("invalid_event", food.getEventType());
        assertTrue(((String) food.getMetadata().get("last_error")).startsWith("data.llm_confidence: "),
                "reason was " + food.getMetadata().get("last_error"));
        assertEquals(List.of("data.llm_confidence"), food.getMetadata().get("invalid_fields"));
        assertEquals(badFood.toString(), food.getData().get("original").toString(), "the invalid event as received");
        assertEquals("validation", food.getMetadata().get("failed_stage"));
    }

    @Test
    void randomFailuresAcrossConcurrentMembersLoseNothing() throws Exception {
        String topic = topic("chaos");
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        AtomicInteger failures = new AtomicInteger();
        List<String> members = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            String routeId = "chaos-" + m;
            members.add(routeId);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + topic + "?group=g&concurrency=2&redeliveryDelay=5&maxDeliveries=0")
                            .routeId(routeId).errorHandler(noErrorHandler())
                            .process(e -> {
                                String id = envelope(e).getEventId();
                                int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                                // a fixed pseudo-random third of attempts fail, so a failure can be replayed
                                if (Math.floorMod((id + "/" + attempt).hashCode(), 3) == 0) {
                                    failures.incrementAndGet();
                                    throw new RetryableException("attempt " + attempt + " of " + id + " failed");
                                }
                                processed.add(id);
                            });
                }
            });
        }
        // failures, not a rebalance, are under test here: a hand-over replays what a partition's commit could not
        // pass yet (Kafka), which the scenario of a member stopping mid-stream covers
        awaitMembersOwnPartitions(members);
        Set<String> published = ids(publish(topic, 2000));

        awaitIds(published, processed, "processed despite " + failures.get() + " failed attempts");
        assertTrue(failures.get() > 300, "the scenario should have failed many attempts, failed " + failures.get());
        int totalAttempts = attempts.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(published.size() + failures.get(), totalAttempts, "every attempt either failed or processed");
    }

    @Test
    void inFlightWorkNeverExceedsTheConsumersConcurrency() throws Exception {
        String topic = topic("bounded");
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&concurrency=3").routeId("bounded").process(e -> {
                    int now = inFlight.incrementAndGet();
                    mostInFlight.accumulateAndGet(now, Math::max);
                    Thread.sleep(5);
                    inFlight.decrementAndGet();
                    processed.add(envelope(e).getEventId());
                });
            }
        });
        Set<String> published = ids(publish(topic, 90));

        awaitIds(published, processed, "processed");
        assertTrue(mostInFlight.get() <= 3, "at most 3 in flight, but saw " + mostInFlight.get());
        assertTrue(mostInFlight.get() >= 2, "concurrency 3 should process in parallel, but saw " + mostInFlight.get());
    }

    @Test
    void readinessReportsTheConnectionAndTheConsumersBacklog() throws Exception {
        String topic = topic("health");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        consume(topic, "g", "healthy", e -> processed.add(envelope(e).getEventId()));
        Set<String> published = ids(publish(topic, 5));
        awaitIds(published, processed, "processed");

        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);
        TransportHealth health = transport.health();
        assertTrue(health.connected(), "connected: " + health);
        assertTrue(health.latencyMillis() >= 0, "latency: " + health);
        BusConsumer consumer = (BusConsumer) context.getRoute("healthy").getConsumer();
        HealthCheck.Result result = consumer.getHealthCheck().call();
        assertEquals(HealthCheck.State.UP, result.getState(), "readiness " + result.getDetails());
        assertEquals(topic, result.getDetails().get("topic"));
        assertEquals("g", result.getDetails().get("group"));
        assertEquals(true, result.getDetails().get("connected"));
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Object> details = consumer.getHealthCheck().call().getDetails();
            assertEquals(0L, ((Number) details.get("pending")).longValue(), "pending after all were acknowledged");
            assertEquals(0L, ((Number) details.get("lag")).longValue(), "lag after all were delivered");
        });
    }

    @Test
    void statsReportTheLagOfAGroupWhoseConsumerStopped() throws Exception {
        String topic = topic("stats");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        consume(topic, "reporting", "reporting", e -> processed.add(envelope(e).getEventId()));
        Set<String> first = ids(publish(topic, 20));
        awaitIds(first, processed, "processed");
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);
        await().atMost(WAIT).untilAsserted(() -> {
            TopicStats.GroupStats group = groupStats(transport.stats(topic, Set.of()), "reporting");
            assertEquals(0L, group.lag(), "lag once all were processed: " + group);
            if (group.pending() != null) {
                assertEquals(0L, group.pending(), "pending once all were acknowledged: " + group);
            }
            if (group.consumers() != null) {
                assertEquals(1, group.consumers(), "members while the route runs: " + group);
            }
        });

        context.getRouteController().stopRoute("reporting");
        publish(topic, 7);
        await().atMost(WAIT).untilAsserted(() -> {
            TopicStats stats = transport.stats(topic, Set.of("reporting"));
            TopicStats.GroupStats group = groupStats(stats, "reporting");
            assertEquals(7L, group.lag(), "lag of the stopped group: " + stats);
            if (group.consumers() != null) {
                assertEquals(0, group.consumers(), "members once the route stopped: " + group);
            }
            if (stats.length() != null) {
                assertTrue(stats.length() >= 7, "the topic retains at least what the group has not read: " + stats);
            }
        });
        assertEquals(first, processed, "a stopped route processes nothing more");
    }

    // ---------------------------------------------------------------- request-reply

    @Test
    void requestsOfFiftyConcurrentCallersEachGetTheReplyToTheirOwnRequest() throws Exception {
        String topic = topic("requests");
        answerRequests(topic, null);
        awaitAReply(topic);
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        List<String> mismatches = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(50);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int caller = c;
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        Envelope request = request(caller, i);
                        sent.add(request.getEventId());
                        Envelope reply = template.requestBody("bus:" + topic + "?requestTimeout=30000", request,
                                Envelope.class);
                        if (reply.getData().path("caller").asInt(-1) != caller || reply.getData().path("n").asInt(-1) != i
                                || !request.getEventId().equals(reply.getCorrelationId())
                                || !request.getEventId().equals(reply.getParentEventId())
                                || !"quote_request_reply".equals(reply.getEventType())) {
                            mismatches.add("caller " + caller + " request " + i + " got " + reply.getData()
                                    + " correlation_id " + reply.getCorrelationId());
                        }
                        answered.add(reply.getCorrelationId());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(List.of(), mismatches, "every caller gets the reply to its own request");
        assertEquals(500, sent.size());
        assertExactIds(sent, answered, "requests answered");
    }

    @Test
    void aRequestWithoutAReplyInTimeFailsWithATimeoutAndItsLateReplyReachesNobody() throws Exception {
        String topic = topic("slow-requests");
        CountDownLatch release = new CountDownLatch(1);
        answerRequests(topic, request -> {
            if (request.getData().path("hold").asBoolean()) {
                release.await(60, TimeUnit.SECONDS);
            }
        });
        awaitAReply(topic);
        Envelope held = request(0, 0);
        ((ObjectNode) held.getData()).put("hold", true);
        Exception failure = assertThrows(CamelExecutionException.class,
                () -> template.requestBody("bus:" + topic + "?requestTimeout=300", held));
        ExchangeTimedOutException timeout = assertInstanceOf(
                ExchangeTimedOutException.class, failure.getCause());
        assertTrue(timeout.getMessage().contains("no reply to quote_request request " + held.getEventId()
                + " (correlation_id " + held.getEventId() + ") on bus:" + topic + " within 300 ms (requestTimeout)"),
                timeout.getMessage());
        release.countDown();

        // the held request is answered now, to nobody; the next request, sent by a route, gets its own reply
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ask").routeId("asker").setHeader(BusConstants.EVENT_TYPE, constant("quote_request"))
                        .to("bus:" + topic + "?exchangePattern=InOut&requestTimeout=30000");
            }
        });
        Envelope reply = template.requestBody("direct:ask", MAPPER.createObjectNode().put("caller", 7).put("n", 21),
                Envelope.class);
        assertEquals(42, reply.getData().get("doubled").asInt(), "reply " + reply.getData());
        assertNotEquals(held.getEventId(), reply.getCorrelationId(), "the held request's late reply went nowhere");
    }

    @Test
    void aDeadLetteredRequestGetsNoReplyAndWaitsInTheDeadLetterTopic() throws Exception {
        String topic = topic("rejected-requests");
        Map<String, Long> lastAttemptNanos = new ConcurrentHashMap<>();
        Set<String> deadLettered = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=responders").routeId("strict-responder")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(1)
                                .redeliveryDelay(5))
                        .process(e -> {
                            Envelope request = envelope(e);
                            lastAttemptNanos.put(request.getEventId(), System.nanoTime());
                            if (request.getData().path("reject").asBoolean()) {
                                throw new IllegalArgumentException("no quote for this symbol");
                            }
                            e.getMessage().setBody(answer(request));
                        });
                from("bus:" + topic + ".dlq?group=ops").routeId("rejected-dlq")
                        .process(e -> deadLettered.add(envelope(e).getEventId()));
            }
        });
        awaitAReply(topic);
        Envelope rejected = request(0, 0);
        ((ObjectNode) rejected.getData()).put("reject", true);
        Exception failure = assertThrows(CamelExecutionException.class,
                () -> template.requestBody("bus:" + topic + "?requestTimeout=1500", rejected));
        long gaveUp = System.nanoTime();
        assertInstanceOf(ExchangeTimedOutException.class, failure.getCause());
        assertTrue(lastAttemptNanos.containsKey(rejected.getEventId())
                && lastAttemptNanos.get(rejected.getEventId()) < gaveUp,
                "the responder failed the request before its caller gave up: no reply because it was dead-lettered");
        awaitIds(Set.of(rejected.getEventId()), deadLettered, "dead-lettered requests");
    }

    /** A replying route: an ordinary {@code bus:} consumer whose result body is the reply. */
    private void answerRequests(String topic, ThrowingRequestCheck before) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=responders&concurrency=8").routeId("responder-" + UUID.randomUUID())
                        .process(e -> {
                            Envelope request = envelope(e);
                            if (before != null) {
                                before.accept(request);
                            }
                            e.getMessage().setBody(answer(request));
                        });
            }
        });
    }

    /** Waits until the responders answer (a Kafka group has its partitions), so timeouts measure the reply alone. */
    private void awaitAReply(String topic) {
        Envelope probe = request(-1, -1);
        Envelope reply = template.requestBody("bus:" + topic + "?requestTimeout=60000", probe, Envelope.class);
        assertEquals(probe.getEventId(), reply.getCorrelationId(), "the first reply");
    }

    private static ObjectNode answer(Envelope request) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("caller", request.getData().path("caller").asInt());
        answer.put("n", request.getData().path("n").asInt());
        answer.put("doubled", request.getData().path("n").asInt() * 2);
        return answer;
    }

    private static Envelope request(int caller, int n) {
        return Envelope.create("quote_request", "contract-suite", MAPPER.createObjectNode().put("caller", caller)
                .put("n", n));
    }

    /** What a replying route does with a request before answering; may block or throw. */
    @FunctionalInterface
    private interface ThrowingRequestCheck {
        void accept(Envelope request) throws Exception;
    }

    // ---------------------------------------------------------------- delayed delivery

    @Test
    void delayedEventsReachNoConsumerBeforeTheirTimeAndAllArrive() throws Exception {
        String topic = topic("delayed");
        Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
        ThrowingConsumer record = e -> arrivedAt.putIfAbsent(envelope(e).getEventId(), System.currentTimeMillis());
        // the group exists before anything is due: RabbitMQ routes an expired delayed message to the queues bound then,
        // and a new Kafka or Redis group starts from the earliest event
        consume(topic, "g", "delayed-first", record);
        Map<String, Long> dueAt = new HashMap<>();
        Set<String> published = new LinkedHashSet<>();
        for (int i = 0; i < 80; i++) {
            Envelope event = event(i);
            long delay = 600 + (i % 4) * 300;
            long now = System.currentTimeMillis();
            // every way of asking: the endpoint's option, EventbusDelay, EventbusDeliverAt as epoch ms and ISO-8601
            switch (i % 4) {
                case 0 -> template.sendBody("bus:" + topic + "?delay=" + delay, event);
                case 1 -> template.sendBodyAndHeader("bus:" + topic, event, BusConstants.DELAY, delay);
                case 2 -> template.sendBodyAndHeader("bus:" + topic + "?delay=60000", event, BusConstants.DELIVER_AT,
                        now + delay);
                default -> template.sendBodyAndHeader("bus:" + topic, event, BusConstants.DELIVER_AT,
                        java.time.Instant.ofEpochMilli(now + delay).toString());
            }
            dueAt.put(event.getEventId(), now + delay);
            published.add(event.getEventId());
        }
        Set<String> immediate = ids(publish(topic, 10));
        published.addAll(immediate);
        if (features().persistent()) {
            // the application stops with the delayed events pending and a new one consumes them
            context.stop();
            context = newContext();
            context.start();
            template = context.createProducerTemplate();
            consume(topic, "g", "delayed-second", record);
        }

        awaitIds(published, arrivedAt.keySet(), "processed");
        List<String> early = new ArrayList<>();
        dueAt.forEach((id, due) -> {
            if (arrivedAt.get(id) < due) {
                early.add(id + " " + (due - arrivedAt.get(id)) + " ms early");
            }
        });
        assertTrue(early.isEmpty(), "delayed events reached a consumer before their time: " + limit(early));
    }

    // ---------------------------------------------------------------- helpers

    private static TopicStats.GroupStats groupStats(TopicStats stats, String group) {
        return stats.groups().stream().filter(g -> g.group().equals(group)).findFirst()
                .orElseThrow(() -> new AssertionError("no group " + group + " in " + stats));
    }

    /**
     * Waits until each member of a group owns part of the topic, for transports that assign partitions (their
     * consumers report {@code partitions} in their readiness details); others are ready once started.
     */
    private void awaitMembersOwnPartitions(List<String> routeIds) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (String routeId : routeIds) {
                BusConsumer consumer = (BusConsumer) context.getRoute(routeId).getConsumer();
                Object partitions = consumer.getHealthCheck().call().getDetails().get("partitions");
                assertTrue(partitions == null || !((Collection<?>) partitions).isEmpty(),
                        routeId + " owns no partition yet");
            }
        });
    }

    /** A topic name unique to this test. */
    protected String topic(String name) {
        return prefix + name;
    }

    protected CamelContext newContext() {
        CamelContext ctx = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(transportProperties());
        ctx.getPropertiesComponent().setInitialProperties(props);
        return ctx;
    }

    /** A consumer route with the given group and route id, calling {@code body} for each event. */
    protected void consume(String topic, String group, String routeId, ThrowingConsumer body) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=" + group).routeId(routeId).process(body::accept);
            }
        });
    }

    /** A test event with a payload, tags, trace id and an unknown top-level field. */
    protected Envelope event(int n) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("n", n).put("text", "payload " + n);
        data.putArray("values").add(n).add(n * 2);
        Envelope event = Envelope.create("contract_event", "contract-suite", data);
        event.setSchemaVersion("1.2.3");
        event.setTraceId("trace-" + n);
        event.getTags().put("suite", "contract");
        event.getExtensions().put("x_custom", MAPPER.createObjectNode().put("nested", "kept-" + n));
        return event;
    }

    protected List<Envelope> publish(String topic, int count) {
        List<Envelope> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Envelope event = event(i);
            template.sendBody("bus:" + topic, event);
            events.add(event);
        }
        return events;
    }

    protected static Envelope envelope(Exchange exchange) {
        return exchange.getIn().getBody(Envelope.class);
    }

    protected static Set<String> ids(Collection<Envelope> events) {
        Set<String> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.getEventId()));
        return ids;
    }

    public static void awaitIds(Set<String> expected, Collection<String> actual, String what) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertExactIds(expected, actual, what));
    }

    public static void assertExactIds(Set<String> expected, Collection<String> actual, String what) {
        Set<String> got = new TreeSet<>(actual);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(got);
        Set<String> extra = new TreeSet<>(got);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail(what + ": expected " + expected.size() + " ids, got " + got.size() + "; missing " + limit(missing)
                    + "; extra " + limit(extra));
        }
    }

    private static void assertNoDuplicates(Map<String, AtomicInteger> counts) {
        List<String> duplicated = counts.entrySet().stream().filter(e -> e.getValue().get() > 1)
                .map(e -> e.getKey() + "×" + e.getValue().get()).toList();
        assertTrue(duplicated.isEmpty(), "events processed more than once without any failure: " + limit(duplicated));
    }

    private static String limit(Collection<String> ids) {
        List<String> list = new ArrayList<>(ids);
        return list.size() <= 20 ? list.toString() : list.subList(0, 20) + " and " + (list.size() - 20) + " more";
    }

    /** A route body that may throw. */
    @FunctionalInterface
    protected interface ThrowingConsumer {
        void accept(Exchange exchange) throws Exception;
    }
}
