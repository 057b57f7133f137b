package io.eventbus.runtime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;
import io.eventbus.transport.OutboundMessage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eventbus stats} without {@code --topic}: it reports the topics the routes use, each on the transport
 * configuration gives it (Redis and RabbitMQ here), with the groups the routes declare and their backlog as each
 * broker reports it, and skips the in-memory topics. Needs Redis and RabbitMQ on 127.0.0.1.
 */
class StatsCommandIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String redisTopic = "stats-redis-" + id;
    private final String rabbitTopic = "stats-rabbit-" + id;
    private final String memoryTopic = "stats-memory-" + id;

    @TempDir
    Path dir;

    private CamelContext context;

    @AfterEach
    void cleanUp() throws Exception {
        if (context != null) {
            context.stop();
        }
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        try (var connection = client.connect()) {
            connection.sync().del(redisTopic, redisTopic + ".dlq");
        } finally {
            client.shutdown();
        }
        try (com.rabbitmq.client.Connection connection = new com.rabbitmq.client.ConnectionFactory() {
            {
                setUri("amqp://guest:guest@127.0.0.1:5672");
            }
        }.newConnection(); com.rabbitmq.client.Channel channel = connection.createChannel()) {
            for (String queue : new String[] { rabbitTopic + ".billing", rabbitTopic + ".billing.retry",
                rabbitTopic + ".billing.dlq" }) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(rabbitTopic);
        }
    }

    @Test
    void withoutTopicsItReportsEveryConfiguredTopicOnItsTransport() throws Exception {
        Path config = Files.writeString(dir.resolve("stats.properties"), String.join("\n",
                "eventbus.transport = redis",
                "eventbus.topics." + rabbitTopic + ".transport = rabbitmq",
                "eventbus.topics." + memoryTopic + ".transport = memory", ""));
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("orders.camel.yaml"), """
                # takes orders from REDIS, bills them over RABBIT
                - route:
                    id: take-orders
                    from:
                      uri: bus:REDIS
                      parameters: {group: orders}
                      steps:
                        - to: bus:RABBIT
                        - to: bus:MEMORY
                - route:
                    id: billing
                    from:
                      uri: bus:RABBIT
                      steps:
                        - log: "billed ${header.EventId}"
                """.replace("REDIS", redisTopic).replace("RABBIT", rabbitTopic).replace("MEMORY", memoryTopic));
        prepareBacklog(config);

        CliRun stats = cli("stats", "--config", config.toString(), "--routes", routes.toString(), "--json");

        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.err().contains("skipping " + memoryTopic + ": it is on the memory transport"), stats.err());
        JsonNode topics = MAPPER.readTree(stats.out()).get("topics");
        assertEquals(2, topics.size(), stats.out());
        JsonNode redis = topic(topics, redisTopic);
        assertEquals("redis", redis.get("transport").asText());
        assertEquals(4, redis.get("length").asLong(), stats.out());
        assertEquals(1, redis.get("dlq_length").asLong(), stats.out());
        JsonNode orders = group(redis, "orders");
        assertEquals(3, orders.get("lag").asLong(), stats.out());
        assertEquals(0, orders.get("pending").asLong(), stats.out());
        JsonNode rabbit = topic(topics, rabbitTopic);
        assertEquals("rabbitmq", rabbit.get("transport").asText());
        // the billing route declares no group: its group is its route id, and its queue holds the 2 events
        assertEquals(2, group(rabbit, "billing").get("lag").asLong(), stats.out());

        CliRun table = cli("stats", "--config", config.toString(), "--routes", routes.toString());
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("redis") && l.contains(redisTopic)
                && l.contains("orders")), table.out());
    }

    /**
     * Redis: group {@code orders} created, one invalid event dead-lettered, then 3 events left unread. RabbitMQ:
     * the {@code billing} group's queue declared, then 2 events left in it.
     */
    private void prepareBacklog(Path config) throws Exception {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(config)) {
            props.load(reader);
        }
        context.getPropertiesComponent().setInitialProperties(props);
        context.start();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + redisTopic + "?group=orders").routeId("orders").log("${header.EventId}");
                from("bus:" + rabbitTopic + "?group=billing").routeId("billing").log("${header.EventId}");
            }
        });
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        bus.transportFor(redisTopic).bindProducer(redisTopic).publish(new OutboundMessage(null,
                "not json".getBytes(StandardCharsets.UTF_8), Map.of()));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                BusObservability.of(bus).metrics().sum(BusMetrics.DEAD_LETTERED, Tags.of("topic", redisTopic)) == 1);
        context.getRouteController().stopRoute("orders");
        context.getRouteController().stopRoute("billing");
        ProducerTemplate template = context.createProducerTemplate();
        for (int i = 0; i < 3; i++) {
            template.sendBody("bus:" + redisTopic, Envelope.create("order_placed", "stats-it",
                    MAPPER.createObjectNode().put("n", i)));
        }
        for (int i = 0; i < 2; i++) {
            template.sendBody("bus:" + rabbitTopic, Envelope.create("order_billed", "stats-it",
                    MAPPER.createObjectNode().put("n", i)));
        }
        context.stop();
        context = null;
    }

    private static JsonNode topic(JsonNode topics, String name) {
        for (JsonNode topic : topics) {
            if (topic.get("topic").asText().equals(name)) {
                return topic;
            }
        }
        throw new AssertionError("no topic " + name + " in " + topics);
    }

    private static JsonNode group(JsonNode topic, String name) {
        for (JsonNode group : topic.get("groups")) {
            if (group.get("group").asText().equals(name)) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + topic);
    }


    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }
}
