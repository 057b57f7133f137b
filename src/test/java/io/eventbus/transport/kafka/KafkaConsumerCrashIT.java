package io.eventbus.transport.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer killed with SIGKILL mid-stream (a child JVM destroyed forcibly, so nothing is closed, committed or
 * left cleanly) loses nothing: the next member of its group replays every partition from the last committed
 * offset — nothing before it, everything after it.
 */
class KafkaConsumerCrashIT extends KafkaITSupport {

    @Test
    void aKilledConsumersGroupReplaysFromTheLastCommittedOffset() throws Exception {
        String topic = topic("crash");
        List<Envelope> published = publish(topic, 400, 16);
        Map<String, ConsumerRecord<String, byte[]>> stored = new HashMap<>();
        records(topic, 400).forEach(r -> stored.put(header(r, "event_id"), r));
        assertEquals(400, stored.size(), "records stored");

        Set<String> processedByVictim = ConcurrentHashMap.newKeySet();
        Process victim = startConsumerProcess(topic, "crashing", "slow", line -> {
            if (line.startsWith("processed ")) {
                processedByVictim.add(line.substring("processed ".length()));
            }
        });
        try {
            await().atMost(WAIT).until(() -> processedByVictim.size() >= 100);
        } finally {
            victim.destroyForcibly();
        }
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "the victim died");
        assertTrue(processedByVictim.size() < 400, "killed mid-stream, after " + processedByVictim.size());
        Map<Integer, Long> committedAtKill = committed("crashing", topic);
        Set<String> processedAfter = ConcurrentHashMap.newKeySet();
        Map<String, Long> offsetsAfter = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=crashing").routeId("survivor").process(e -> {
                    String id = e.getIn().getBody(Envelope.class).getEventId();
                    processedAfter.add(id);
                    offsetsAfter.put(id, stored.get(id).offset());
                });
            }
        });
        Set<String> all = ConcurrentHashMap.newKeySet();
        await().atMost(WAIT).untilAsserted(() -> {
            all.clear();
            all.addAll(processedByVictim);
            all.addAll(processedAfter);
            assertExactIds(ids(published), all, "processed by the victim and the survivor");
        });
        for (String id : processedAfter) {
            ConsumerRecord<String, byte[]> r = stored.get(id);
            long committed = committedAtKill.getOrDefault(r.partition(), 0L);
            assertTrue(r.offset() >= committed, "the survivor replayed " + r.partition() + "@" + r.offset()
                    + ", below the committed offset " + committed);
        }
        for (var entry : stored.entrySet()) {
            ConsumerRecord<String, byte[]> r = entry.getValue();
            if (r.offset() < committedAtKill.getOrDefault(r.partition(), 0L)) {
                assertTrue(processedByVictim.contains(entry.getKey()), "committed but never processed: "
                        + r.partition() + "@" + r.offset());
            }
        }
        assertFalse(committedAtKill.isEmpty(), "the victim had committed progress before it was killed");
    }
}
