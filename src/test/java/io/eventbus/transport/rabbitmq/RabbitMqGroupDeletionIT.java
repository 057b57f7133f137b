package io.eventbus.transport.rabbitmq;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.Transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A RabbitMQ consumer group is its queue (and retry queue): deleting the group deletes them, with the messages
 * still in them, and the broker refuses while the queue has a consumer. Needs RabbitMQ on 127.0.0.1:5672.
 */
class RabbitMqGroupDeletionIT {

    private static final String PREFIX = "groups-it-";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8);
    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    @Test
    void aGroupWithAConsumerIsRefusedAndItsQueuesGoOnceItStopped() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=audit").routeId("audit")
                        .process(e -> received.add(e.getMessage().getHeader(BusConstants.EVENT_ID, String.class)));
            }
        });
        context.start();
        Set<String> published = publish(3);
        await().atMost(WAIT).until(() -> received.size() == published.size());
        assertEquals(published, received);
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);

        GroupInUseException refused = assertThrows(GroupInUseException.class,
                () -> transport.deleteGroup(topic, "audit"));
        assertTrue(refused.getMessage().contains("'" + topic + ".audit'"), refused.getMessage());

        context.getRouteController().stopRoute("audit");
        publish(2); // left in the queue: deleting the group deletes them too
        await().atMost(WAIT).until(() -> transport.stats(topic, Set.of("audit")).groups().get(0).consumers() == 0);
        assertEquals(2L, transport.stats(topic, Set.of("audit")).groups().get(0).lag());
        assertTrue(transport.deleteGroup(topic, "audit"));
        try (Connection connection = RabbitMqTestBroker.connect()) {
            for (String queue : new String[] { topic + ".audit", topic + ".audit.retry" }) {
                Channel channel = connection.createChannel();
                // the broker closes the channel of a failed passive declaration: not closed again here
                assertThrows(IOException.class, () -> channel.queueDeclarePassive(queue), queue + " is gone");
            }
        }
        assertFalse(transport.deleteGroup(topic, "audit"), "no such group any more");
    }

    private Set<String> publish(int count) {
        ProducerTemplate template = context.createProducerTemplate();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            Envelope event = Envelope.create("group_event", "groups-it", MAPPER.createObjectNode().put("n", i));
            template.sendBody("bus:" + topic, event);
            ids.add(event.getEventId());
        }
        return ids;
    }
}
