package io.eventbus.transport.kafka;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.FatalException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records arrive in batches (one poll returns up to {@code eventbus.kafka.max-poll-records}), and each record of a
 * batch has its own outcome: the failing ones are dead-lettered, the others processed, none holds back or drags
 * down its neighbours, and the group ends fully committed.
 */
class KafkaBatchConsumptionIT extends KafkaITSupport {

    @Test
    void eachRecordOfABatchHasItsOwnOutcome() throws Exception {
        String topic = topic("batches");
        List<Envelope> published = publish(topic, 600, 12);
        Set<String> expectedDead = new TreeSet<>();
        published.stream().filter(e -> e.getData().get("n").asInt() % 10 == 3)
                .forEach(e -> expectedDead.add(e.getEventId()));

        CamelContext batching = newContext(Map.of("eventbus.kafka.max-poll-records", "50"));
        try {
            batching.start();
            Set<String> processed = ConcurrentHashMap.newKeySet();
            batching.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + topic + "?group=batched&concurrency=4").routeId("batched")
                            .errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(0))
                            .process(e -> {
                                Envelope event = e.getIn().getBody(Envelope.class);
                                if (event.getData().get("n").asInt() % 10 == 3) {
                                    throw new FatalException("record " + event.getData().get("n") + " is unusable");
                                }
                                processed.add(event.getEventId());
                            });
                }
            });
            List<ConsumerRecord<String, byte[]>> dlq = records(topic + ".dlq", expectedDead.size());
            Set<String> deadLettered = new TreeSet<>();
            dlq.forEach(r -> deadLettered.add(header(r, "event_id")));
            assertExactIds(expectedDead, deadLettered, "dead-lettered");
            Set<String> expectedProcessed = new TreeSet<>(ids(published));
            expectedProcessed.removeAll(expectedDead);
            await().atMost(WAIT).untilAsserted(() -> assertExactIds(expectedProcessed, processed, "processed"));
            await().atMost(WAIT).untilAsserted(() -> assertEquals(endOffsets(topic), committed("batched", topic),
                    "the group is committed to the end"));
        } finally {
            batching.stop();
        }
    }
}
