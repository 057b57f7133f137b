package io.eventbus.transport.kafka;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.RetryableException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dead letters stay on Kafka, in the topic {@code <topic>.dlq}, readable by any Kafka client; an event failing on
 * every delivery is dead-lettered by the bus past {@code maxDeliveries}, its delivery count growing across
 * redeliveries and carried over a consumer crash (SIGKILL) to the group's next consumer through the commit metadata.
 */
class KafkaDeadLetterIT extends KafkaITSupport {

    @Test
    void failedEventsGoToTheDeadLetterTopicOnKafkaAndTheRestIsProcessed() throws Exception {
        String topic = topic("orders");
        Set<String> processed = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=billing").routeId("billing")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(1)
                                .redeliveryDelay(5))
                        .process(e -> {
                            Envelope event = e.getIn().getBody(Envelope.class);
                            if (event.getData().get("n").asInt() % 5 == 0) {
                                throw new FatalException("order " + event.getData().get("n") + " has no customer");
                            }
                            processed.add(event.getEventId());
                        });
            }
        });
        List<Envelope> published = publish(topic, 50, 8);
        Set<String> failing = new TreeSet<>();
        published.stream().filter(e -> e.getData().get("n").asInt() % 5 == 0).forEach(e -> failing.add(e.getEventId()));

        List<ConsumerRecord<String, byte[]>> deadLetters = records(topic + ".dlq", failing.size());
        Set<String> deadLettered = new TreeSet<>();
        for (ConsumerRecord<String, byte[]> record : deadLetters) {
            JsonNode json = MAPPER.readTree(record.value());
            deadLettered.add(json.get("event_id").asText());
            assertEquals(header(record, "event_id"), json.get("event_id").asText(), "event_id header mirror");
            assertEquals(json.path("key").asText(null), record.key(), "the dead letter keeps the record key");
            assertEquals(topic, json.get("metadata").get("dead_lettered_from").asText());
            assertTrue(json.get("metadata").get("last_error").asText().endsWith("has no customer"), json.toString());
        }
        assertExactIds(failing, deadLettered, "dead letters on the Kafka topic " + topic + ".dlq");
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> accounted = new TreeSet<>(processed);
            accounted.addAll(deadLettered);
            assertExactIds(ids(published), accounted, "published = processed + dead-lettered");
        });
        await().atMost(WAIT).untilAsserted(() -> assertEquals(endOffsets(topic), committed("billing", topic),
                "every record committed once processed or dead-lettered"));
    }

    @Test
    void theDeliveryCountGrowsAcrossRedeliveriesAndSurvivesACrashUntilTheBusDeadLettersIt() throws Exception {
        String topic = topic("stubborn");
        Envelope stubborn = publish(topic, 1, 0).get(0);
        List<Integer> countsBeforeCrash = new CopyOnWriteArrayList<>();
        Process victim = startConsumerProcess(topic, "stubborn", "failing", line -> {
            if (line.startsWith("delivery ")) {
                countsBeforeCrash.add(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
            }
        });
        try {
            await().atMost(WAIT).until(() -> countsBeforeCrash.size() >= 3);
            // kill between two deliveries (600 ms apart), once the periodic commit (within ~200 ms) has recorded
            // the last delivery's count
            Thread.sleep(350);
        } finally {
            victim.destroyForcibly();
        }
        victim.waitFor();
        assertEquals(List.of(1, 2, 3), countsBeforeCrash.subList(0, 3), "delivery counts before the crash");
        int lastBeforeCrash = countsBeforeCrash.get(countsBeforeCrash.size() - 1);

        List<Integer> counts = new CopyOnWriteArrayList<>();
        context.addRoutes(failingRoute(topic, "after-the-crash", counts, lastBeforeCrash + 2));
        List<ConsumerRecord<String, byte[]>> deadLetters = records(topic + ".dlq", 1);
        assertEquals(1, deadLetters.size(), "the stubborn event is dead-lettered");
        JsonNode deadLetter = MAPPER.readTree(deadLetters.get(0).value());
        assertEquals(stubborn.getEventId(), deadLetter.get("event_id").asText());
        assertEquals("DeliveryLimitExceededException", deadLetter.get("metadata").get("error_type").asText());
        assertEquals(List.of(lastBeforeCrash + 1, lastBeforeCrash + 2), counts,
                "the count continues after the crash, up to maxDeliveries (before the crash: " + countsBeforeCrash
                        + ")");
    }

    private static RouteBuilder failingRoute(String topic, String routeId, List<Integer> counts, int maxDeliveries) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=stubborn&redeliveryDelay=300&maxDeliveries=" + maxDeliveries)
                        .routeId(routeId)
                        .errorHandler(noErrorHandler())
                        .process(e -> {
                            counts.add(e.getIn().getHeader(BusConstants.DELIVERY_COUNT, Integer.class));
                            throw new RetryableException("the downstream service is down");
                        });
            }
        };
    }
}
