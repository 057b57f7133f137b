package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.eventbus.envelope.Envelope;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the Kafka ITs share: a Camel context on the shared broker, unique topics, test events, and a plain
 * kafka-clients view of the broker (records as stored, committed offsets) to check what the transport did.
 */
abstract class KafkaITSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    CamelContext context;
    ProducerTemplate template;
    Admin admin;
    private String prefix;

    @BeforeEach
    void startCamel() throws Exception {
        prefix = getClass().getSimpleName() + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        admin = Admin.create(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()));
        context = newContext(Map.of());
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stopCamel() {
        if (context != null) {
            context.stop();
        }
        if (admin != null) {
            admin.close();
        }
    }

    /** A Camel context on the shared broker; {@code extra} adds or overrides {@code eventbus.*} keys. */
    static CamelContext newContext(Map<String, String> extra) {
        CamelContext ctx = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(KafkaTestBroker.transportProperties());
        props.putAll(extra);
        ctx.getPropertiesComponent().setInitialProperties(props);
        return ctx;
    }

    String topic(String name) {
        return prefix + name;
    }

    static Envelope event(int n, String key) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("n", n);
        Envelope event = Envelope.create("kafka_it_event", "kafka-it", data);
        event.setKey(key);
        return event;
    }

    /** Publishes {@code count} events through {@code bus:}, keys cycling over {@code keys} (null: no key). */
    List<Envelope> publish(String topic, int count, int keys) {
        List<Envelope> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Envelope event = event(i, keys == 0 ? null : "key-" + (i % keys));
            template.sendBody("bus:" + topic, event);
            events.add(event);
        }
        return events;
    }

    static Set<String> ids(List<Envelope> events) {
        Set<String> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.getEventId()));
        return ids;
    }

    /** Every record of the topic as stored, read with a plain consumer from the beginning. */
    static List<ConsumerRecord<String, byte[]>> records(String topic, int expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                // the topic may not exist yet: the transport creates a dead-letter topic on its first dead letter
                partitions = consumer.listTopics().getOrDefault(topic, List.of()).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    sleep(100);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The group's committed offset per partition of the topic (absent: never committed). */
    Map<Integer, Long> committed(String group, String topic) throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        offsets.forEach((tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
                out.put(tp.partition(), om.offset());
            }
        });
        return out;
    }

    /** The end offset per partition of the topic. */
    Map<Integer, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    /**
     * Starts {@link SlowConsumerProcess} in a child JVM with the test class path; {@code onLine} gets each line it
     * prints, from a reader thread. Kill it with {@link Process#destroyForcibly()} (SIGKILL).
     */
    static Process startConsumerProcess(String topic, String group, String mode,
            java.util.function.Consumer<String> onLine) throws java.io.IOException {
        Process process = new ProcessBuilder(System.getProperty("java.home") + java.io.File.separator + "bin"
                + java.io.File.separator + "java", "-cp", System.getProperty("java.class.path"),
                SlowConsumerProcess.class.getName(), KafkaTestBroker.bootstrapServers(), topic, group, mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    onLine.accept(line);
                }
            } catch (java.io.IOException e) {
                // the process was killed
            }
        }, "consumer-process-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    static void assertExactIds(Set<String> expected, Set<String> actual, String what) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            fail(what + ": expected " + expected.size() + " ids, got " + actual.size() + "; missing " + missing
                    + "; extra " + extra);
        }
    }
}
