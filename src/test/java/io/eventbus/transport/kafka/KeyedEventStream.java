package io.eventbus.transport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The workload of the broker fault ITs: {@code keys} keys with {@code perKey} events each (a sequence number per key
 * in the payload), published through {@code bus:} by several threads while a group of {@code bus:} consumers reads
 * them. A publisher thread owns some keys and publishes one event per key at a time, the next of a key only after the
 * previous was confirmed: a publish that fails (the broker down, a leader moving) is retried with the same event
 * until it is confirmed, and counted. The consumers record every delivery: the first of each event id, in order per
 * key, and how many came again.
 */
final class KeyedEventStream implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String topic;
    private final int keys;
    private final int perKey;
    private final CamelContext context;
    private final ProducerTemplate template;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger confirmedCount = new AtomicInteger();
    private final AtomicInteger failedPublishes = new AtomicInteger();
    private final List<String> publishFailures = new CopyOnWriteArrayList<>();
    private final Set<String> processed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Map<String, List<Integer>> firstDeliveries = new ConcurrentHashMap<>();

    KeyedEventStream(Map<String, String> transportProperties, String topic, int keys, int perKey) {
        this.topic = topic;
        this.keys = keys;
        this.perKey = perKey;
        this.context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(transportProperties);
        context.getPropertiesComponent().setInitialProperties(props);
        context.start();
        this.template = context.createProducerTemplate();
    }

    int total() {
        return keys * perKey;
    }

    /** Starts {@code members} consumers of group {@code group}, each with the default concurrency of 1. */
    void consume(String group, int members) throws Exception {
        for (int m = 0; m < members; m++) {
            String routeId = group + "-" + m;
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:" + topic + "?group=" + group).routeId(routeId).process(e -> {
                        Envelope event = e.getIn().getBody(Envelope.class);
                        if (processed.add(event.getEventId())) {
                            // one member owns a partition at a time, so one thread appends to a key's list
                            firstDeliveries.computeIfAbsent(event.getKey(), k -> new CopyOnWriteArrayList<>())
                                    .add(event.getData().get("seq").asInt());
                        } else {
                            duplicates.incrementAndGet();
                        }
                    });
                }
            });
        }
    }

    /** Publishes every event from {@code threads} threads; returns when all are confirmed. */
    void publish(int threads) throws Exception {
        ExecutorService publishers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(publishers.submit(() -> {
                    List<String> owned = new ArrayList<>();
                    for (int k = thread; k < keys; k += threads) {
                        owned.add("key-" + k);
                    }
                    for (int seq = 0; seq < perKey; seq++) {
                        publishRound(owned, seq);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            publishers.shutdownNow();
        }
    }

    /** One event per key, all in flight together; failed ones are retried until confirmed. */
    private void publishRound(List<String> owned, int seq) throws InterruptedException {
        List<Envelope> pending = new ArrayList<>();
        for (String key : owned) {
            ObjectNode data = MAPPER.createObjectNode();
            data.put("seq", seq);
            Envelope event = Envelope.create("fault_it_event", "kafka-fault-it", data);
            event.setKey(key);
            pending.add(event);
        }
        while (!pending.isEmpty()) {
            List<CompletableFuture<Object>> sent = new ArrayList<>();
            for (Envelope event : pending) {
                sent.add(template.asyncSendBody("bus:" + topic, event));
            }
            List<Envelope> failed = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                try {
                    sent.get(i).get(3, TimeUnit.MINUTES);
                    confirmed.add(pending.get(i).getEventId());
                    confirmedCount.incrementAndGet();
                } catch (Exception e) {
                    failedPublishes.incrementAndGet();
                    if (publishFailures.size() < 5) {
                        publishFailures.add(String.valueOf(e.getCause() == null ? e : e.getCause()));
                    }
                    failed.add(pending.get(i));
                }
            }
            pending = failed;
            if (!pending.isEmpty()) {
                Thread.sleep(200);
            }
        }
    }

    /** Waits until every confirmed event was processed at least once. */
    void awaitProcessed(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> processed.containsAll(confirmed));
    }

    /** Exactly the confirmed events were processed, and per key the first deliveries came in sequence. */
    void assertNoneLostAndOrderPerKey() {
        KafkaITSupport.assertExactIds(confirmed, processed, "processed");
        assertEquals(total(), confirmed.size(), "confirmed publishes");
        List<Integer> expected = new ArrayList<>();
        for (int seq = 0; seq < perKey; seq++) {
            expected.add(seq);
        }
        assertEquals(keys, firstDeliveries.size(), "keys delivered");
        Map<String, List<Integer>> outOfOrder = new TreeMap<>();
        firstDeliveries.forEach((key, seqs) -> {
            if (!seqs.equals(expected)) {
                outOfOrder.put(key, seqs);
            }
        });
        assertEquals(Map.of(), outOfOrder, "keys whose first deliveries were not in sequence");
    }

    String summary() {
        return "confirmed " + confirmed.size() + "/" + total() + ", processed " + processed.size() + ", duplicates "
                + duplicates.get() + ", failed publishes retried " + failedPublishes.get()
                + (publishFailures.isEmpty() ? "" : " (first: " + publishFailures + ")");
    }

    /** Publishes confirmed so far. */
    int confirmedCount() {
        return confirmedCount.get();
    }

    /** Waits until at least {@code count} publishes are confirmed. */
    void awaitConfirmed(int count) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> confirmedCount() >= count);
    }

    @Override
    public void close() {
        context.stop();
    }
}
