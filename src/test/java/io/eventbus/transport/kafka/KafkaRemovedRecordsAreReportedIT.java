package io.eventbus.transport.kafka;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.observability.BusMetrics;
import io.eventbus.observability.BusObservability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the broker's retention deletes records a group has not read (simulated exactly with {@code deleteRecords},
 * which moves the log start offset as retention does), the group does not skip them in silence: an ERROR names
 * topic, partition, group and the number of records lost, {@code eventbus.events.skipped} counts them, and the
 * group goes on with the records the broker still has.
 */
class KafkaRemovedRecordsAreReportedIT extends KafkaITSupport {

    private static final int DELETED = 100;
    private static final int KEPT = 10;

    @Test
    void recordsDeletedBeforeTheGroupReadThemAreReportedAndCounted() throws Exception {
        String topic = topic("removed");
        List<String> errors = new CopyOnWriteArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(KafkaGroupMember.class);
        AbstractAppender capture = new AbstractAppender("removed-records", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel() == Level.ERROR) {
                    errors.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        logger.addAppender(capture);
        // one partition: the group's commit covers the whole topic, so the skipped count is exact
        CamelContext ctx = newContext(Map.of("eventbus.kafka.partitions", "1"));
        try {
            Set<String> received = ConcurrentHashMap.newKeySet();
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + topic + "?group=lagging").routeId("lagging")
                            .process(e -> received.add(e.getIn().getBody(Envelope.class).getEventId()));
                }
            });
            ctx.start();
            ProducerTemplate producer = ctx.createProducerTemplate();
            Envelope first = event(-1, null);
            producer.sendBody("bus:" + topic, first);
            await().atMost(WAIT).until(() -> received.contains(first.getEventId()));
            ctx.getRouteController().stopRoute("lagging");
            assertEquals(Map.of(0, 1L), committed("lagging", topic), "the group's position before it fell behind");

            for (int i = 0; i < DELETED; i++) {
                producer.sendBody("bus:" + topic, event(i, null));
            }
            TopicPartition partition = new TopicPartition(topic, 0);
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1 + DELETED))).all().get();
            Set<String> kept = new java.util.LinkedHashSet<>();
            for (int i = 0; i < KEPT; i++) {
                Envelope event = event(DELETED + i, null);
                producer.sendBody("bus:" + topic, event);
                kept.add(event.getEventId());
            }
            received.clear();
            ctx.getRouteController().startRoute("lagging");

            await().atMost(WAIT).until(() -> received.containsAll(kept));
            assertExactIds(kept, received, "read after the deletion");
            BusMetrics metrics = BusObservability.of(ctx.getComponent("bus", BusComponent.class)).metrics();
            assertEquals(DELETED, metrics.count(BusMetrics.SKIPPED,
                    Tags.of("topic", topic, "group", "lagging", "transport", "kafka")));
            assertTrue(errors.stream().anyMatch(m -> m.contains("topic " + topic + " partition 0")
                    && m.contains("group lagging lost " + DELETED + " records") && m.contains("offsets 1 to "
                    + DELETED)), "an ERROR names topic, partition, group and the records lost: " + errors);
            await().atMost(WAIT).until(() -> Map.of(0, (long) 1 + DELETED + KEPT).equals(committed("lagging", topic)));
        } finally {
            ctx.stop();
            logger.removeAppender(capture);
            capture.stop();
        }
    }
}
