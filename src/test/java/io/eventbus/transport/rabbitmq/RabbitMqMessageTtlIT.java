package io.eventbus.transport.rabbitmq;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.TopicStats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the opt-in {@code eventbus.rabbitmq.message-ttl} risks, against the broker: events a group has not read in
 * time leave its queue for the group's dead-letter queue {@code <topic>.<group>.dlq} (kept, and shown by
 * {@code stats} as {@code broker_dead_lettered}), and the bus's own dead letters never expire.
 */
class RabbitMqMessageTtlIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String topic = "ttl-" + UUID.randomUUID().toString().substring(0, 8);
    private CamelContext context;

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        RabbitMqTestBroker.deleteAll(topic);
    }

    @Test
    void expiredEventsMoveToTheGroupsDeadLetterQueueAndDeadLettersNeverExpire() throws Exception {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri", RabbitMqTestBroker.URI,
                "eventbus.rabbitmq.message-ttl", "300"));
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=slow").routeId("slow").autoStartup(false).log("${body}");
            }
        });
        context.start();
        context.getRouteController().startRoute("slow");
        context.getRouteController().stopRoute("slow");
        ProducerTemplate template = context.createProducerTemplate();
        for (int i = 0; i < 5; i++) {
            template.sendBody("bus:" + topic, event(i));
        }
        template.sendBody("bus:" + topic + ".dlq", event(99));

        await().atMost(Duration.ofSeconds(30)).until(() -> depth(topic + ".slow") == 0
                && depth(topic + ".slow.dlq") == 5);
        TopicStats stats = context.getComponent("bus", BusComponent.class).transportFor(topic)
                .stats(topic, Set.of("slow"));
        assertEquals(Map.of("slow", 5L), stats.details().get("broker_dead_lettered"), stats.toString());
        Thread.sleep(600);
        assertEquals(1, depth(topic + ".dlq"), "a dead letter outlives the message-ttl");
    }

    private static long depth(String queue) throws Exception {
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    private static Envelope event(int n) {
        return Envelope.create("ttl_event", "rabbitmq-ttl-it", MAPPER.createObjectNode().put("n", n));
    }
}
