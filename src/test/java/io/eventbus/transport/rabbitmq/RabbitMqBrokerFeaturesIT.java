package io.eventbus.transport.rabbitmq;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.TransportHealth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the RabbitMQ transport adds to the contract, against the real broker: unroutable and nacked publishes fail
 * with a clear error, expired messages are dead-lettered at broker level, priority queues, the configured topology
 * (declared idempotently, refused with the broker's reason), quorum queues' delivery count, health and stats.
 */
class RabbitMqBrokerFeaturesIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "features-";
    private static final Duration WAIT = Duration.ofSeconds(60);

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

    private CamelContext start(Map<String, String> extra, RouteBuilder routes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        props.putAll(extra);
        context.getPropertiesComponent().setInitialProperties(props);
        contexts.add(context);
        if (routes != null) {
            context.addRoutes(routes);
        }
        context.start();
        return context;
    }

    private static Envelope event(int n) {
        return Envelope.create("feature_event", "features-test", MAPPER.createObjectNode().put("n", n));
    }

    @Test
    void aPublishNoQueueCanReceiveFailsAsUnroutable() throws Exception {
        CamelContext context = start(Map.of(), null);
        ProducerTemplate template = context.createProducerTemplate();
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> template.sendBody("bus:" + p + "nobody", event(1)));
        RabbitMqUnroutableException unroutable = assertInstanceOf(RabbitMqUnroutableException.class, failure.getCause());
        assertTrue(unroutable.getMessage().startsWith("RabbitMQ returned the event published to topic '" + p
                + "nobody' as unroutable (NO_ROUTE): no queue is bound to exchange '" + p + "nobody'"),
                unroutable.getMessage());
        BusMetrics metrics = BusObservability.of(context.getComponent("bus", BusComponent.class)).metrics();
        assertEquals(1, metrics.count(BusMetrics.UNROUTABLE, Tags.of("topic", p + "nobody", "event_type",
                "feature_event", "reason", "broker")));
        assertEquals(0, metrics.sum(BusMetrics.PUBLISHED, Tags.of("topic", p + "nobody")));
    }

    @Test
    void aPublishTheBrokerNacksFailsWithAClearError() throws Exception {
        String topic = p + "full";
        CamelContext context = start(Map.of("eventbus.rabbitmq.topology.queue." + topic + ".g.arguments",
                "x-max-length=1, x-overflow=reject-publish"), new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("bus:" + topic + "?group=g").routeId("idle").autoStartup(false).log("never");
                    }
                });
        // starting and stopping the route declares the group's queue, which then holds one message at most
        context.getRouteController().startRoute("idle");
        context.getRouteController().stopRoute("idle");
        ProducerTemplate template = context.createProducerTemplate();
        template.sendBody("bus:" + topic, event(1));
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> template.sendBody("bus:" + topic, event(2)));
        RabbitMqPublishException nacked = assertInstanceOf(RabbitMqPublishException.class, failure.getCause());
        assertEquals("RabbitMQ refused (nacked) the event published to topic '" + topic + "' (a queue rejecting "
                + "publishes when full, or an internal broker error)", nacked.getMessage());
    }

    @Test
    void anExpiredMessageIsDeadLetteredToTheGroupQueuesDlqByTheBroker() throws Exception {
        String topic = p + "expiring";
        CamelContext context = start(Map.of(), new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=slow").routeId("slow").autoStartup(false).log("never");
            }
        });
        context.getRouteController().startRoute("slow");
        context.getRouteController().stopRoute("slow");
        Envelope event = event(1);
        context.createProducerTemplate().sendBodyAndHeader("bus:" + topic, event, BusConstants.TIME_TO_LIVE, 100L);

        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            String dlq = topic + ".slow.dlq";
            GetResponse[] got = new GetResponse[1];
            await().atMost(WAIT).until(() -> (got[0] = channel.basicGet(dlq, true)) != null);
            Envelope dead = new io.eventbus.envelope.EnvelopeCodec().decode(got[0].getBody());
            assertEquals(event.getEventId(), dead.getEventId());
            assertEquals(event.getEventId(), got[0].getProps().getMessageId());
            assertEquals("expired", got[0].getProps().getHeaders().get("x-first-death-reason").toString());
            assertEquals(0, channel.messageCount(topic + ".slow"));
        }
    }

    @Test
    void higherPriorityEventsAreDeliveredFirst() throws Exception {
        String topic = p + "urgent";
        List<Integer> arrivals = new CopyOnWriteArrayList<>();
        CamelContext context = start(Map.of("eventbus.rabbitmq.max-priority", "9"), new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=desk").routeId("desk").autoStartup(false)
                        .process(e -> arrivals.add(e.getIn().getBody(Envelope.class).getData().get("priority").asInt()));
            }
        });
        context.getRouteController().startRoute("desk");
        context.getRouteController().stopRoute("desk");
        ProducerTemplate template = context.createProducerTemplate();
        for (int i = 0; i < 30; i++) {
            int priority = (i * 7) % 10;
            Envelope event = Envelope.create("order", "features-test", MAPPER.createObjectNode().put("priority", priority));
            template.sendBodyAndHeader("bus:" + topic, event, BusConstants.PRIORITY, priority);
        }
        context.getRouteController().startRoute("desk");
        await().atMost(WAIT).until(() -> arrivals.size() == 30);
        List<Integer> sorted = new ArrayList<>(arrivals);
        sorted.sort((a, b) -> Math.min(b, 9) - Math.min(a, 9));
        // priorities above x-max-priority count as the maximum
        List<Integer> capped = arrivals.stream().map(v -> Math.min(v, 9)).toList();
        assertEquals(sorted.stream().map(v -> Math.min(v, 9)).toList(), capped, "arrival order " + arrivals);
    }

    @Test
    void theConfiguredTopologyIsDeclaredAtStartIdempotentlyAndBusTopicsUseItsExchanges() throws Exception {
        Map<String, String> topology = Map.of(
                "eventbus.rabbitmq.topology.exchanges", p + "trades:fanout, " + p + "orders:direct",
                "eventbus.rabbitmq.topology.queues", p + "analytics, " + p + "audit, " + p + "book",
                "eventbus.rabbitmq.topology.queue." + p + "analytics.arguments", "x-max-length=1000",
                "eventbus.rabbitmq.topology.bindings", p + "trades -> " + p + "analytics, " + p + "trades -> " + p
                        + "audit : ignored-by-fanout, " + p + "orders -> " + p + "book : " + p + "orders");
        ProducerTemplate template = start(topology, null).createProducerTemplate();
        // a second application with the same topology declares it again without error
        start(topology, null);
        template.sendBody("bus:" + p + "trades", event(1));
        template.sendBody("bus:" + p + "orders", event(2));

        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            assertEquals(1, channel.messageCount(p + "analytics"), "fanout to analytics");
            assertEquals(1, channel.messageCount(p + "audit"), "fanout to audit");
            assertEquals(1, channel.messageCount(p + "book"), "direct to book");
            channel.exchangeDeclarePassive(p + "trades");
        }
    }

    @Test
    void aTopologyTheBrokerRefusesStopsTheStartWithTheBrokersReason() throws Exception {
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(p + "existing", true, false, false, Map.of("x-max-length", 5));
        }
        Map<String, String> topology = Map.of("eventbus.rabbitmq.topology.queues", p + "existing",
                "eventbus.rabbitmq.topology.queue." + p + "existing.arguments", "x-max-length=10");
        Exception failure = assertThrows(Exception.class, () -> start(topology, new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + p + "any").routeId("any").log("never");
            }
        }));
        String message = rootMessage(failure);
        assertTrue(message.contains("eventbus.rabbitmq.topology: RabbitMQ refused to declare queue '" + p + "existing'"),
                message);
        assertTrue(message.contains("PRECONDITION_FAILED - inequivalent arg 'x-max-length'"), message);
    }

    @Test
    void aQuorumQueueCountsDeliveriesAndRetryCountFollows() throws Exception {
        String topic = p + "quorum";
        Map<String, Integer> deliveryCountWhenProcessed = new ConcurrentHashMap<>();
        Map<String, Integer> retryCountWhenProcessed = new ConcurrentHashMap<>();
        CamelContext context = start(Map.of("eventbus.rabbitmq.queue-type", "quorum"), new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&redeliveryDelay=50").routeId("flaky")
                        .errorHandler(noErrorHandler())
                        .process(e -> {
                            int count = e.getIn().getHeader(BusConstants.DELIVERY_COUNT, Integer.class);
                            if (count < 3) {
                                throw new RetryableException("not yet");
                            }
                            Envelope event = e.getIn().getBody(Envelope.class);
                            deliveryCountWhenProcessed.put(event.getEventId(), count);
                            retryCountWhenProcessed.put(event.getEventId(), event.getRetryCount());
                        });
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Envelope event = event(i);
            template.sendBody("bus:" + topic, event);
            ids.add(event.getEventId());
        }
        await().atMost(WAIT).until(() -> deliveryCountWhenProcessed.size() == 20);
        Map<String, Integer> expectedCounts = new HashMap<>();
        Map<String, Integer> expectedRetries = new HashMap<>();
        ids.forEach(id -> {
            expectedCounts.put(id, 3);
            expectedRetries.put(id, 2);
        });
        assertEquals(expectedCounts, deliveryCountWhenProcessed);
        assertEquals(expectedRetries, retryCountWhenProcessed);
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            channel.queueDeclarePassive(topic + ".g");
        }
    }

    @Test
    void batchedAcknowledgementsAreAllSentSoNothingComesBackAfterTheConsumerStops() throws Exception {
        String topic = p + "batched";
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        CamelContext context = start(Map.of("eventbus.rabbitmq.ack-batch", "10"), new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&redeliveryDelay=10").routeId("batched")
                        .errorHandler(noErrorHandler())
                        .process(e -> {
                            Envelope event = e.getIn().getBody(Envelope.class);
                            int attempt = attempts.merge(event.getEventId(), 1, Integer::sum);
                            if (event.getData().get("n").asInt() % 7 == 0 && attempt == 1) {
                                throw new RetryableException("first attempt of every seventh event fails");
                            }
                        });
            }
        });
        ProducerTemplate template = context.createProducerTemplate();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Envelope event = event(i);
            template.sendBody("bus:" + topic, event);
            ids.add(event.getEventId());
        }
        await().atMost(WAIT).until(() -> attempts.keySet().containsAll(ids)
                && attempts.values().stream().mapToInt(Integer::intValue).sum() == 25 + 4);
        context.getRouteController().stopRoute("batched");
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            assertEquals(0, channel.messageCount(topic + ".g"), "every delivery was acknowledged");
            assertEquals(0, channel.messageCount(topic + ".g.retry"));
        }
        assertEquals(25 + 4, attempts.values().stream().mapToInt(Integer::intValue).sum(),
                "no delivery came back: " + attempts);
    }

    @Test
    void healthAndStatsReportTheQueuesTheApplicationConsumes() throws Exception {
        String topic = p + "observed";
        CamelContext context = start(Map.of(), new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=watch").routeId("watch").log("seen");
            }
        });
        var transport = context.getComponent("bus", BusComponent.class).transportFor(topic);
        TransportHealth health = transport.health();
        assertTrue(health.connected(), health.toString());
        assertEquals("amqp://127.0.0.1:5672 vhost /", health.details().get("broker"));
        assertEquals(Map.of("messages", 0L, "consumers", 1), ((Map<?, ?>) health.details().get("queues")).get(topic + ".watch"));
        assertTrue(!health.toString().contains("guest:guest"), "no credentials in health output");
        TopicStats stats = transport.stats(topic, new java.util.LinkedHashSet<>(List.of("watch", "never-created")));
        assertEquals(List.of(new TopicStats.GroupStats("watch", 0L, null, 1),
                new TopicStats.GroupStats("never-created", null, null, null)), stats.groups());
        assertEquals(List.of(new TopicStats.GroupStats("watch", 0L, null, 1)), transport.stats(topic, java.util.Set.of()).groups());
        assertNotNull(stats.details().get("groups_without_queue"));
        try (Connection connection = RabbitMqTestBroker.connect()) {
            // the broker closes the channel of a failed passive declaration: not closed again here
            Channel channel = connection.createChannel();
            assertThrows(java.io.IOException.class, () -> channel.queueDeclarePassive(topic + ".never-created"),
                    "stats never create a group's queue");
        }
    }

    private static String rootMessage(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString().replace(StandardCharsets.UTF_8.name(), "UTF-8");
    }
}
