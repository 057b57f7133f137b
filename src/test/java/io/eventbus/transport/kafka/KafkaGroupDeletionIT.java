package io.eventbus.transport.kafka;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.Transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deleting a Kafka consumer group: Kafka refuses while the group has members, which the transport reports as the
 * group being in use; once its member left, the group and its committed offsets are gone. Kafka cannot tell how
 * long a group has been empty, so its idle time is unknown.
 */
class KafkaGroupDeletionIT extends KafkaITSupport {

    @Test
    void aGroupWithAMemberIsRefusedAndDeletedOnceItLeft() throws Exception {
        String topic = topic("deleted");
        Set<String> received = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=reporting").routeId("reporting")
                        .process(e -> received.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        List<Envelope> events = publish(topic, 6, 3);
        await().atMost(WAIT).until(() -> received.size() == events.size());
        assertEquals(ids(events), received);
        Transport transport = context.getComponent("bus", BusComponent.class).transportFor(topic);
        await().atMost(WAIT).until(() -> transport.stats(topic, Set.of("reporting")).groups().get(0).lag() == 0);
        assertNull(transport.stats(topic, Set.of()).groups().get(0).idleMillis(), "Kafka cannot tell");

        GroupInUseException refused = assertThrows(GroupInUseException.class,
                () -> transport.deleteGroup(topic, "reporting"));
        assertTrue(refused.getMessage().contains("'reporting'"), refused.getMessage());

        context.getRouteController().stopRoute("reporting");
        await().atMost(WAIT).ignoreException(GroupInUseException.class)
                .until(() -> transport.deleteGroup(topic, "reporting"));
        assertTrue(transport.stats(topic, Set.of()).groups().isEmpty(), "no group has offsets on the topic");
        assertFalse(transport.deleteGroup(topic, "reporting"), "no such group any more");
    }
}
