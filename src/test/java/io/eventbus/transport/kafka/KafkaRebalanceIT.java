package io.eventbus.transport.kafka;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rebalance while events flow loses nothing: a second member joins the group (partitions move to it) and later
 * leaves (they move back) while a publisher keeps publishing; every event is processed, and the revoked
 * partitions' settled work is committed before the hand-over, so events are not processed twice either.
 */
class KafkaRebalanceIT extends KafkaITSupport {

    @Test
    void aMemberJoiningAndLeavingWhileEventsFlowLosesNothing() throws Exception {
        String topic = topic("rebalance");
        Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perMember = new ConcurrentHashMap<>();
        addMember(topic, "first", processed, perMember);
        Set<String> published = ConcurrentHashMap.newKeySet();
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < 1500; i++) {
                Envelope event = event(i, "key-" + (i % 32));
                template.sendBody("bus:" + topic, event);
                published.add(event.getEventId());
            }
        }, "rebalance-publisher");
        publisher.start();

        await().atMost(WAIT).until(() -> processed.size() >= 300);
        addMember(topic, "second", processed, perMember);
        await().atMost(WAIT).until(() -> perMember.containsKey("second") && perMember.get("second").get() >= 100);
        int publishedWhenSecondLeft = published.size();
        context.getRouteController().stopRoute("second");
        publisher.join(WAIT.toMillis());

        await().atMost(WAIT).untilAsserted(() -> assertExactIds(published, processed.keySet(), "processed"));
        assertTrue(publishedWhenSecondLeft < 1500, "the second member left while events were still being published");
        assertTrue(perMember.get("first").get() > 300, "the first member took its partitions back: " + perMember);
        long duplicates = processed.values().stream().filter(n -> n.get() > 1).count();
        assertTrue(duplicates == 0, duplicates + " events were processed twice across the hand-overs");
    }

    private void addMember(String topic, String name, Map<String, AtomicInteger> processed,
            Map<String, AtomicInteger> perMember) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=rebalancing&concurrency=2").routeId(name).process(e -> {
                    processed.computeIfAbsent(e.getIn().getBody(Envelope.class).getEventId(),
                            k -> new AtomicInteger()).incrementAndGet();
                    perMember.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(1);
                });
            }
        });
    }
}
