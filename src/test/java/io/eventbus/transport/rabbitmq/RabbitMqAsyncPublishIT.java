package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Asynchronous publishing on RabbitMQ against the real broker: thousands of {@code bus:} publishes in flight from
 * concurrent callers, each exchange completing with its own publish's outcome. Publishes the broker returns
 * (no queue bound) or nacks (a full queue with {@code x-overflow=reject-publish}) travel on the same channels as
 * those it confirms, interleaved; exactly their exchanges fail, and what was confirmed is in the queues, counted by
 * id. The same holds for synchronous callers, for a bound of a few publishes in flight, and when the broker closes
 * a channel over one publish while others await their confirms on it.
 */
class RabbitMqAsyncPublishIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "asyncpub-";
    /** The length the nacking queue accepts; every publish to it beyond this is nacked. */
    private static final int FULL_AT = 100;

    private final List<CamelContext> contexts = new ArrayList<>();
    private String p;

    @BeforeEach
    void name() {
        p = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    /** Where a publish of the load goes, and so how it must end. */
    private enum Target {
        /** A topic with a group queue: confirmed. */
        ROUTED,
        /** A topic no queue is bound to: returned, the exchange fails as unroutable. */
        UNROUTABLE,
        /** A topic whose group queue holds {@value #FULL_AT} and rejects publishes then: the rest nacked. */
        FULL
    }

    @Test
    void twoThousandAsyncPublishesInFlightEndEachWithItsOwnConfirmReturnOrNack() throws Exception {
        Topics topics = new Topics(Map.of("eventbus.rabbitmq.max-in-flight", "2000"));
        Outcomes outcomes = publishConcurrently(topics, 8, 250, Mode.ASYNC);
        topics.check(outcomes);
    }

    @Test
    void synchronousCallersEachSeeTheirOwnPublishsFailure() throws Exception {
        Topics topics = new Topics(Map.of());
        Outcomes outcomes = publishConcurrently(topics, 16, 50, Mode.SYNC);
        topics.check(outcomes);
    }

    @Test
    void aSmallInFlightBoundHoldsBackAsyncCallersAndLosesNothing() throws Exception {
        Topics topics = new Topics(Map.of("eventbus.rabbitmq.max-in-flight", "4"));
        Outcomes outcomes = publishConcurrently(topics, 8, 100, Mode.ASYNC);
        topics.check(outcomes);
    }

    /**
     * The broker closes a channel when a publish names an exchange that does not exist (404). The other publishes
     * awaiting their confirms on that channel are published again on a new one; only the publishes to the missing
     * exchange fail.
     */
    @Test
    void aChannelTheBrokerClosesOverOnePublishFailsOnlyThatPublish() throws Exception {
        String routed = p + "routed";
        String deleted = p + "deleted";
        CamelContext context = start(Map.of("eventbus.rabbitmq.max-in-flight", "2000"), new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + routed + "?group=g").routeId("idle-routed").autoStartup(false).log("never");
                from("bus:" + deleted + "?group=g").routeId("idle-deleted").autoStartup(false).log("never");
            }
        });
        declareQueues(context, "idle-routed", "idle-deleted");
        // the transport declared the exchange at the first publish and does not declare it again on this connection
        context.createProducerTemplate().sendBody("bus:" + deleted, event(-1));
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            channel.queuePurge(deleted + ".g");
            channel.exchangeDelete(deleted);
        }

        Map<String, String> topicOf = new ConcurrentHashMap<>();
        Outcomes outcomes = publish(context, 8, 250, Mode.ASYNC, i -> i % 5 == 4 ? deleted : routed, topicOf);

        Set<String> toRouted = idsTo(topicOf, routed);
        Set<String> toDeleted = idsTo(topicOf, deleted);
        assertEquals(2000, toRouted.size() + toDeleted.size());
        assertIds(toRouted, outcomes.confirmed(), "confirmed");
        assertIds(toDeleted, outcomes.failed.keySet(), "failed");
        for (String id : toDeleted) {
            RabbitMqPublishException refused = assertInstanceOf(RabbitMqPublishException.class,
                    outcomes.failed.get(id), id);
            assertEquals("RabbitMQ refused the event published to topic '" + deleted + "': NOT_FOUND - no exchange '"
                    + deleted + "' in vhost '/'", refused.getMessage());
        }
        // published again after their channel closed, some may be in the queue twice (at-least-once)
        List<String> queued = drain(routed + ".g");
        assertIds(toRouted, new HashSet<>(queued), "in queue " + routed + ".g");
        assertTrue(queued.size() >= toRouted.size());
    }

    // ---------------------------------------------------------------- the load

    private enum Mode {
        /** Through the producer's AsyncProcessor, never waiting: every publish of a caller in flight at once. */
        ASYNC,
        /** ProducerTemplate.sendBody: each caller waits for its publish and sees its failure as an exception. */
        SYNC
    }

    /** How each publish ended, by event id: confirmed ids, and the failure of every other. */
    private record Outcomes(Set<String> all, Map<String, Throwable> failed) {
        Set<String> confirmed() {
            Set<String> confirmed = new HashSet<>(all);
            confirmed.removeAll(failed.keySet());
            return confirmed;
        }
    }

    /** Three topics, one per {@link Target}, publishes spread over them in turn by every caller. */
    private final class Topics {
        final CamelContext context;
        final String routed = p + "routed";
        final String unroutable = p + "unroutable";
        final String full = p + "full";
        final Map<String, String> topicOf = new ConcurrentHashMap<>();

        Topics(Map<String, String> settings) throws Exception {
            Map<String, String> all = new HashMap<>(settings);
            all.put("eventbus.rabbitmq.topology.queue." + full + ".g.arguments",
                    "x-max-length=" + FULL_AT + ", x-overflow=reject-publish");
            context = start(all, new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + routed + "?group=g").routeId("idle-routed").autoStartup(false).log("never");
                    from("bus:" + full + "?group=g").routeId("idle-full").autoStartup(false).log("never");
                }
            });
            declareQueues(context, "idle-routed", "idle-full");
        }

        String topicFor(int i) {
            return switch (target(i)) {
                case ROUTED -> routed;
                case UNROUTABLE -> unroutable;
                case FULL -> full;
            };
        }

        /** Half routed, a quarter unroutable, a quarter to the full queue, interleaved. */
        Target target(int i) {
            return switch (i % 4) {
                case 0, 2 -> Target.ROUTED;
                case 1 -> Target.UNROUTABLE;
                default -> Target.FULL;
            };
        }

        void check(Outcomes outcomes) throws Exception {
            Set<String> toRouted = idsTo(topicOf, routed);
            Set<String> toUnroutable = idsTo(topicOf, unroutable);
            Set<String> toFull = idsTo(topicOf, full);
            assertEquals(outcomes.all().size(), toRouted.size() + toUnroutable.size() + toFull.size());

            Set<String> fullConfirmed = new HashSet<>(toFull);
            fullConfirmed.retainAll(outcomes.confirmed());
            Set<String> expectConfirmed = new HashSet<>(toRouted);
            expectConfirmed.addAll(fullConfirmed);
            assertIds(expectConfirmed, outcomes.confirmed(), "confirmed");
            assertEquals(FULL_AT, fullConfirmed.size(), "publishes the full queue accepted before it was full");

            Set<String> unroutableFailed = new HashSet<>();
            Set<String> nacked = new HashSet<>();
            outcomes.failed().forEach((id, failure) -> {
                if (failure instanceof RabbitMqUnroutableException) {
                    unroutableFailed.add(id);
                } else if (failure instanceof RabbitMqPublishException
                        && failure.getMessage().startsWith("RabbitMQ refused (nacked) the event published to topic '"
                                + full + "'")) {
                    nacked.add(id);
                } else {
                    fail("publish " + id + " to " + topicOf.get(id) + " failed unexpectedly: " + failure);
                }
            });
            assertIds(toUnroutable, unroutableFailed, "failed as unroutable");
            Set<String> expectNacked = new HashSet<>(toFull);
            expectNacked.removeAll(fullConfirmed);
            assertIds(expectNacked, nacked, "nacked");

            List<String> inRouted = drain(routed + ".g");
            assertEquals(toRouted.size(), inRouted.size(), "messages in " + routed + ".g");
            assertIds(toRouted, new HashSet<>(inRouted), "in queue " + routed + ".g");
            List<String> inFull = drain(full + ".g");
            assertEquals(FULL_AT, inFull.size(), "messages in " + full + ".g");
            assertIds(fullConfirmed, new HashSet<>(inFull), "in queue " + full + ".g");

            BusMetrics metrics = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
            assertEquals(toUnroutable.size(), (long) metrics.sum(BusMetrics.UNROUTABLE,
                    Tags.of("topic", unroutable, "reason", "broker")));
            assertEquals(toRouted.size(), (long) metrics.sum(BusMetrics.PUBLISHED, Tags.of("topic", routed)));
            assertEquals(FULL_AT, (long) metrics.sum(BusMetrics.PUBLISHED, Tags.of("topic", full)));
        }
    }

    private Outcomes publishConcurrently(Topics topics, int callers, int perCaller, Mode mode) throws Exception {
        return publish(topics.context, callers, perCaller, mode, topics::topicFor, topics.topicOf);
    }

    /**
     * Publishes {@code callers * perCaller} events from {@code callers} threads, publish {@code i} of a caller to
     * {@code topicFor(i)}, and waits until every exchange completed. Each exchange must complete exactly once.
     */
    private Outcomes publish(CamelContext context, int callers, int perCaller, Mode mode,
            IntFunction<String> topicFor, Map<String, String> topicOf) throws Exception {
        int total = callers * perCaller;
        Set<String> all = ConcurrentHashMap.newKeySet();
        Map<String, Throwable> failed = new ConcurrentHashMap<>();
        Set<String> completed = ConcurrentHashMap.newKeySet();
        Set<String> completedTwice = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(total);
        // one started producer per topic, as a route's to() has
        Map<String, Producer> producers = new HashMap<>();
        for (int i = 0; i < Math.min(perCaller, 20); i++) {
            String topic = topicFor.apply(i);
            if (!producers.containsKey(topic)) {
                Producer producer = context.getEndpoint("bus:" + topic).createProducer();
                producer.start();
                producers.put(topic, producer);
            }
        }
        ProducerTemplate template = context.createProducerTemplate();
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                started.add(threads.submit(() -> {
                    for (int i = 0; i < perCaller; i++) {
                        String topic = topicFor.apply(i);
                        Envelope event = event(caller * perCaller + i);
                        String id = event.getEventId();
                        all.add(id);
                        topicOf.put(id, topic);
                        if (mode == Mode.SYNC) {
                            try {
                                template.sendBody("bus:" + topic, event);
                            } catch (CamelExecutionException e) {
                                failed.put(id, e.getCause());
                            }
                            completed.add(id);
                            done.countDown();
                            continue;
                        }
                        Producer producer = producers.get(topic);
                        AsyncProcessor processor = AsyncProcessorConverterHelper.convert(producer);
                        Exchange exchange = producer.getEndpoint().createExchange();
                        exchange.getIn().setBody(event);
                        processor.process(exchange, doneSync -> {
                            if (exchange.getException() != null) {
                                failed.put(id, exchange.getException());
                            }
                            if (!completed.add(id)) {
                                completedTwice.add(id);
                            }
                            done.countDown();
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : started) {
                f.get(10, TimeUnit.MINUTES);
            }
            assertTrue(done.await(10, TimeUnit.MINUTES), "exchanges still incomplete: " + done.getCount());
        } finally {
            threads.shutdownNow();
            for (Producer producer : producers.values()) {
                producer.stop();
            }
        }
        assertEquals(total, all.size());
        assertEquals(all, completed);
        assertEquals(Set.of(), completedTwice, "exchanges completed twice");
        return new Outcomes(Set.copyOf(all), Map.copyOf(failed));
    }

    // ---------------------------------------------------------------- helpers

    private CamelContext start(Map<String, String> extra, RouteBuilder routes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        props.putAll(extra);
        context.getPropertiesComponent().setInitialProperties(props);
        contexts.add(context);
        context.addRoutes(routes);
        context.start();
        return context;
    }

    /** Starting and stopping a group's route declares its queue, which then keeps what is published. */
    private static void declareQueues(CamelContext context, String... routeIds) throws Exception {
        for (String id : routeIds) {
            context.getRouteController().startRoute(id);
            context.getRouteController().stopRoute(id);
        }
    }

    private static Envelope event(int n) {
        return Envelope.create("async_event", "async-publish-test", MAPPER.createObjectNode().put("n", n));
    }

    private static Set<String> idsTo(Map<String, String> topicOf, String topic) {
        Set<String> ids = new HashSet<>();
        topicOf.forEach((id, t) -> {
            if (t.equals(topic)) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** Takes every message out of the queue; their message ids (the event ids), duplicates kept. */
    private static List<String> drain(String queue) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            for (GetResponse got; (got = channel.basicGet(queue, true)) != null;) {
                ids.add(got.getProps().getMessageId());
            }
        }
        return ids;
    }

    /** Equal sets; a failure names the missing and the extra ids (a few of each). */
    private static void assertIds(Set<String> expected, Set<String> actual, String what) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail(what + ": expected " + expected.size() + ", got " + actual.size() + "; missing " + missing.size()
                    + " " + missing.stream().limit(5).toList() + ", extra " + extra.size() + " "
                    + extra.stream().limit(5).toList());
        }
    }
}
