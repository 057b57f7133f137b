package io.eventbus.transport.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.RetryableException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CAMEL-20044 trap: camel-kafka with {@code breakOnFirstError} committed (and sought) one partition at an
 * offset belonging to another when a record failed, skipping or replaying records. Here one record keeps failing
 * in one partition while the other partitions flow: each partition's commit must stop exactly at its own oldest
 * unsettled record — the failing one in its partition, the end elsewhere — and nothing may be skipped.
 */
class KafkaCommitPerPartitionIT extends KafkaITSupport {

    @Test
    void aFailingRecordHoldsOnlyItsOwnPartitionsCommitAndIsNeverSkipped() throws Exception {
        String topic = topic("camel-20044");
        AtomicBoolean released = new AtomicBoolean();
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        String[] blocker = new String[1];
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=trap&concurrency=4&redeliveryDelay=50&maxDeliveries=0")
                        .routeId("trap").errorHandler(noErrorHandler())
                        .process(e -> {
                            String id = e.getIn().getBody(Envelope.class).getEventId();
                            attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                            if (id.equals(blocker[0]) && !released.get()) {
                                throw new RetryableException("the blocker fails until released");
                            }
                            processed.add(id);
                        });
            }
        });
        List<Envelope> events = new java.util.ArrayList<>();
        for (int i = 0; i < 80; i++) {
            events.add(event(i, "key-" + (i % 16)));
        }
        blocker[0] = events.get(21).getEventId();
        events.forEach(e -> template.sendBody("bus:" + topic, e));

        Map<String, ConsumerRecord<String, byte[]>> stored = new HashMap<>();
        records(topic, 80).forEach(r -> stored.put(header(r, "event_id"), r));
        assertEquals(80, stored.size(), "records stored");
        ConsumerRecord<String, byte[]> blocked = stored.get(blocker[0]);
        Set<Integer> partitionsUsed = new java.util.TreeSet<>();
        stored.values().forEach(r -> partitionsUsed.add(r.partition()));
        assertTrue(partitionsUsed.size() >= 3, "16 keys should spread over the 4 partitions: " + partitionsUsed);

        Set<String> allButBlocker = new java.util.TreeSet<>(ids(events));
        allButBlocker.remove(blocker[0]);
        await().atMost(WAIT).untilAsserted(() -> assertExactIds(allButBlocker, processed, "processed while blocked"));
        Map<Integer, Long> end = endOffsets(topic);
        await().atMost(WAIT).untilAsserted(() -> {
            Map<Integer, Long> committed = committed("trap", topic);
            for (int p : partitionsUsed) {
                long expected = p == blocked.partition() ? blocked.offset() : end.get(p);
                assertEquals(expected, committed.get(p), "committed offset of partition " + p + " (blocker at "
                        + blocked.partition() + "@" + blocked.offset() + "), all: " + committed);
            }
        });
        assertTrue(attempts.get(blocker[0]).get() >= 2, "the blocker was redelivered: " + attempts.get(blocker[0]));

        released.set(true);
        await().atMost(WAIT).untilAsserted(() -> assertExactIds(ids(events), processed, "processed once released"));
        await().atMost(WAIT).untilAsserted(() -> {
            Map<Integer, Long> committed = committed("trap", topic);
            for (int p : partitionsUsed) {
                assertEquals(end.get(p), committed.get(p), "committed offset of partition " + p + ": " + committed);
            }
        });
        attempts.forEach((id, n) -> {
            if (!id.equals(blocker[0])) {
                assertEquals(1, n.get(), "records other than the blocker are processed once: " + id);
            }
        });
    }
}
