package io.eventbus.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.ProducerPerformance;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.kafka.KafkaTestBroker;

/**
 * Kafka's own tools against {@code bus:} over Kafka, same run, same broker, same envelopes, same producer
 * properties (idempotent, {@code acks=all}, lz4, {@code linger.ms=0} as the transport's default,
 * {@code batch.size=65536}), 4-partition topics.
 * <p>
 * Each side is a pipeline: a consumer group is started, then {@code --events} envelopes are published, and the run
 * ends when the group has consumed them all (on the raw side, at the end time ConsumerPerformance reports, before it
 * closes its consumer and prints); events/s is events over that wall time. Baseline: kafka-tools 3.9.1's
 * {@code ConsumerPerformance} (in a thread) and {@code ProducerPerformance} (envelopes from a payload file, one
 * async producer). Bus: a {@code bus:} route consuming with concurrency 8 ({@code -Dbench.concurrency}), fed by 2
 * threads publishing through the asynchronous {@code bus:} producer with up to 5000 publishes awaiting Kafka's
 * acknowledgement, as ProducerPerformance keeps sends in flight; its envelopes are made before the clock starts, as
 * ProducerPerformance's payload file is. The
 * latency columns are publish latency, send to acknowledgement, on both sides (ProducerPerformance's own samples,
 * millisecond resolution); the bus's end-to-end latency (publish to route) is printed above the table.
 * <p>
 * A third row, outside the ratio, is an application on kafka-clients alone carrying the same envelopes as JSON
 * ({@link #clientsWithCodec}).
 * <p>
 * Broker: {@code EVENTBUS_KAFKA_BOOTSTRAP_SERVERS} when set (e.g. {@code scripts/kafka-broker}), else an in-JVM
 * KRaft broker.
 */
public final class KafkaBenchmark implements Benchmark {

    /** Publisher threads on the bus side: each keeps publishes in flight, as ProducerPerformance's one thread does. */
    private static final int PUBLISHERS = 2;
    /** Publishes awaiting Kafka's acknowledgement at once on the bus side. */
    private static final int MAX_IN_FLIGHT = 5000;
    private static final int CONSUMER_CONCURRENCY = Integer.getInteger("bench.concurrency", 8);
    private static final Map<String, String> PRODUCER = Map.of("acks", "all", "enable.idempotence", "true",
            "compression.type", "lz4", "linger.ms", "0", "batch.size", "65536");

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String description() {
        return "kafka-tools ProducerPerformance+ConsumerPerformance vs bus: over Kafka (publish, consume concurrently)";
    }

    private static final String EXTERNAL_BROKER = System.getenv("EVENTBUS_KAFKA_BOOTSTRAP_SERVERS");
    private static final CpuClock CPU = CpuClock.jvm(EXTERNAL_BROKER != null && !EXTERNAL_BROKER.isBlank()
            ? "this JVM only (the broker at EVENTBUS_KAFKA_BOOTSTRAP_SERVERS is not counted)"
            : "this JVM, with the in-JVM broker");

    @Override
    public String cpuScope() {
        return CPU.scope();
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        String env = EXTERNAL_BROKER;
        String bootstrap = env != null && !env.isBlank() ? env : KafkaTestBroker.bootstrapServers();
        Path payloads = payloadFile(options.payloadBytes());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            if (options.warmup() > 0) {
                raw(admin, bootstrap, "bench.raw.warmup." + run, options.warmup(), payloads, false);
                bus(admin, bootstrap, "bench.bus.warmup." + run, options.warmup(), options.payloadBytes(), false);
                clientsWithCodec(admin, bootstrap, "bench.codec.warmup." + run, options.warmup(),
                        options.payloadBytes());
            }
            Measurement raw = raw(admin, bootstrap, "bench.raw." + run, options.events(), payloads, true);
            Measurement bus = bus(admin, bootstrap, "bench.bus." + run, options.events(), options.payloadBytes(), true);
            Measurement withCodec = clientsWithCodec(admin, bootstrap, "bench.codec." + run, options.events(),
                    options.payloadBytes());
            System.out.printf(Locale.ROOT, "bus against raw kafka-clients with the envelope codec: %.2f (not the "
                    + "ratio below, which is against the tools)%n",
                    bus.eventsPerSecond() / withCodec.eventsPerSecond());
            return List.of(raw, bus, withCodec);
        } finally {
            Files.deleteIfExists(payloads);
        }
    }

    private static Measurement raw(Admin admin, String bootstrap, String topic, int events, Path payloads,
            boolean report) throws Exception {
        createTopic(admin, topic);
        PrintStream console = System.out;
        ByteArrayOutputStream toolOutput = new ByteArrayOutputStream();
        ProducerPerformance producer = new ProducerPerformance();
        long nanos;
        long cpu;
        System.setOut(new PrintStream(toolOutput, true, StandardCharsets.UTF_8));
        try {
            Thread consumer = new Thread(() -> ConsumerPerformance.main(new String[] {"--bootstrap-server", bootstrap,
                "--topic", topic, "--messages", String.valueOf(events), "--group", "raw-" + topic, "--hide-header",
                "--timeout", "60000"}), "consumer-performance");
            consumer.start();
            awaitMembers(admin, "raw-" + topic);
            List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(events),
                    "--throughput", "-1", "--payload-file", payloads.toString(), "--producer-props",
                    "bootstrap.servers=" + bootstrap));
            PRODUCER.forEach((k, v) -> args.add(k + "=" + v));
            cpu = CPU.now();
            long startMillis = System.currentTimeMillis();
            Method run = ProducerPerformance.class.getDeclaredMethod("start", String[].class);
            run.setAccessible(true);
            run.invoke(producer, (Object) args.toArray(new String[0]));
            consumer.join(TimeUnit.MINUTES.toMillis(10));
            cpu = CPU.now() - cpu;
            // until the last record was consumed, as on the bus side: not ConsumerPerformance's close and report
            nanos = TimeUnit.MILLISECONDS.toNanos(consumedAt(toolOutput.toString(StandardCharsets.UTF_8))
                    - startMillis);
        } finally {
            System.setOut(console);
        }
        if (report) {
            for (String line : toolOutput.toString(StandardCharsets.UTF_8).split("\n")) {
                if (line.contains("records sent") && line.contains("99th")) {
                    console.println("ProducerPerformance: " + line.trim());
                } else if (line.matches("^\\d{4}-\\d{2}-\\d{2}.*")) {
                    console.println("ConsumerPerformance (start, end, MB, MB/s, nMsg, nMsg/s, rebalance ms, fetch ms,"
                            + " fetch MB/s, fetch nMsg/s): " + line.trim());
                }
            }
        }
        return new Measurement("raw: kafka-tools Producer/ConsumerPerformance", events, nanos,
                producerLatencies(producer), cpu);
    }

    /** The end time ConsumerPerformance reports (when it had consumed the last record), in epoch milliseconds. */
    private static long consumedAt(String toolOutput) throws java.text.ParseException {
        for (String line : toolOutput.split("\n")) {
            if (line.matches("^\\d{4}-\\d{2}-\\d{2}.*")) {
                String end = line.split(",")[1].trim();
                return new java.text.SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS").parse(end).getTime();
            }
        }
        throw new IllegalStateException("ConsumerPerformance reported no result: " + toolOutput);
    }

    /** ProducerPerformance's own latency samples (send to acknowledgement, in ms), read from its statistics. */
    private static LatencyRecorder producerLatencies(ProducerPerformance producer) throws ReflectiveOperationException {
        Field statsField = ProducerPerformance.class.getDeclaredField("stats");
        statsField.setAccessible(true);
        Object stats = statsField.get(producer);
        Field latenciesField = stats.getClass().getDeclaredField("latencies");
        Field indexField = stats.getClass().getDeclaredField("index");
        latenciesField.setAccessible(true);
        indexField.setAccessible(true);
        int[] latencies = (int[]) latenciesField.get(stats);
        int samples = Math.min(indexField.getInt(stats), latencies.length);
        LatencyRecorder recorder = new LatencyRecorder(samples);
        for (int i = 0; i < samples; i++) {
            recorder.record(TimeUnit.MILLISECONDS.toNanos(latencies[i]));
        }
        return recorder;
    }

    private static Measurement bus(Admin admin, String bootstrap, String topic, int events, int payloadBytes,
            boolean report) throws Exception {
        createTopic(admin, topic);
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "kafka");
        props.put("eventbus.kafka.bootstrap-servers", bootstrap);
        props.put("eventbus.kafka.linger-ms", PRODUCER.get("linger.ms"));
        props.put("eventbus.kafka.batch-size", PRODUCER.get("batch.size"));
        props.put("eventbus.kafka.compression", PRODUCER.get("compression.type"));
        context.getPropertiesComponent().setInitialProperties(props);
        LatencyRecorder publishLatency = new LatencyRecorder(events);
        LatencyRecorder endToEnd = new LatencyRecorder(events);
        // made before the clock starts, as ProducerPerformance's payloads are
        String filler = "x".repeat(payloadBytes);
        List<Envelope> envelopes = new ArrayList<>(events);
        for (int seq = 0; seq < events; seq++) {
            envelopes.add(event(filler, seq));
        }
        long[] sentAt = new long[events];
        CountDownLatch consumed = new CountDownLatch(events);
        String group = "bus-" + topic;
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=" + group + "&concurrency=" + CONSUMER_CONCURRENCY).routeId("bench")
                        .process(e -> {
                            int seq = e.getIn().getBody(Envelope.class).getData().get("seq").asInt();
                            endToEnd.record(System.nanoTime() - sentAt[seq]);
                            consumed.countDown();
                        });
            }
        });
        long nanos;
        long cpu;
        try {
            context.start();
            awaitMembers(admin, group);
            AsyncSender sender = new AsyncSender(context, "bus:" + topic, MAX_IN_FLIGHT);
            ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
            cpu = CPU.now();
            long start = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int p = 0; p < PUBLISHERS; p++) {
                    int first = p;
                    done.add(publishers.submit(() -> {
                        for (int seq = first; seq < events; seq += PUBLISHERS) {
                            long sent = System.nanoTime();
                            sentAt[seq] = sent;
                            sender.send(envelopes.get(seq), () -> publishLatency.record(System.nanoTime() - sent));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                sender.awaitConfirmed();
            } finally {
                publishers.shutdownNow();
                sender.close();
            }
            if (!consumed.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("bus: consumed only " + (events - consumed.getCount()) + " of "
                        + events + " events");
            }
            nanos = System.nanoTime() - start;
            cpu = CPU.now() - cpu;
        } finally {
            context.stop();
        }
        if (report) {
            System.out.printf(Locale.ROOT, "bus: end-to-end latency (publish to route): p50 %.3f ms, p99 %.3f ms%n",
                    endToEnd.percentileMillis(50), endToEnd.percentileMillis(99));
        }
        return new Measurement("bus: over Kafka (" + PUBLISHERS + " publishers, concurrency " + CONSUMER_CONCURRENCY
                + ")", events, nanos, publishLatency, cpu);
    }

    /**
     * A third row, outside the ratio: what an application on kafka-clients alone does with the same envelopes, with
     * the same producer properties. One producer writes each envelope to JSON as it sends it; one consumer (auto
     * commit, as ConsumerPerformance's) reads each back. The tools never parse a record; the bus must, so this row
     * shows how much of the gap is the JSON every event-carrying application pays.
     */
    private static Measurement clientsWithCodec(Admin admin, String bootstrap, String topic, int events,
            int payloadBytes) throws Exception {
        createTopic(admin, topic);
        String filler = "x".repeat(payloadBytes);
        List<Envelope> envelopes = new ArrayList<>(events);
        for (int seq = 0; seq < events; seq++) {
            Envelope event = event(filler, seq);
            event.setPublishedAt(java.time.Instant.now().toString());
            envelopes.add(event);
        }
        EnvelopeCodec codec = new EnvelopeCodec();
        long[] sentAt = new long[events];
        LatencyRecorder latencies = new LatencyRecorder(events);
        String group = "codec-" + topic;
        Map<String, Object> consumerProps = Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "auto.offset.reset", "earliest", "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName());
        long[] lastConsumed = new long[1];
        AtomicReference<Exception> failed = new AtomicReference<>();
        ExecutorService consumerThread = Executors.newSingleThreadExecutor();
        try {
            // the consumer lives and is closed on its own thread: a KafkaConsumer takes calls from one thread only
            Future<?> consuming = consumerThread.submit(() -> {
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
                    consumer.subscribe(List.of(topic));
                    int consumed = 0;
                    while (consumed < events) {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            int seq = codec.decode(record.value()).getData().get("seq").asInt();
                            latencies.record(System.nanoTime() - sentAt[seq]);
                            consumed++;
                        }
                    }
                    lastConsumed[0] = System.nanoTime();
                }
                return null;
            });
            awaitMembers(admin, group);
            Map<String, Object> producerProps = new HashMap<>(PRODUCER);
            producerProps.put("bootstrap.servers", bootstrap);
            producerProps.put("key.serializer", StringSerializer.class.getName());
            producerProps.put("value.serializer", ByteArraySerializer.class.getName());
            long cpu = CPU.now();
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
                for (int seq = 0; seq < events; seq++) {
                    Envelope event = envelopes.get(seq);
                    sentAt[seq] = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, event.getKey(), codec.encode(event)), (m, e) -> {
                        if (e != null) {
                            failed.compareAndSet(null, e);
                        }
                    });
                }
                producer.flush();
            }
            if (failed.get() != null) {
                throw failed.get();
            }
            consuming.get(10, TimeUnit.MINUTES);
            cpu = CPU.now() - cpu;
            return new Measurement("raw kafka-clients with the envelope codec (not in the ratio)", events,
                    lastConsumed[0] - start, latencies, cpu);
        } finally {
            consumerThread.shutdownNow();
        }
    }

    private static Envelope event(String filler, int seq) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("filler", filler);
        data.put("seq", seq);
        return Envelope.create("bench_event", "bench", data);
    }

    /** 1000 distinct envelopes, one JSON line each, the size of the bus's events, for ProducerPerformance. */
    private static Path payloadFile(int payloadBytes) throws Exception {
        EnvelopeCodec codec = new EnvelopeCodec();
        StringBuilder lines = new StringBuilder();
        String filler = "x".repeat(payloadBytes);
        for (int i = 0; i < 1000; i++) {
            Envelope event = event(filler, 100_000 + i);
            event.setPublishedAt(java.time.Instant.now().toString());
            lines.append(new String(codec.encode(event), StandardCharsets.UTF_8)).append('\n');
        }
        Path file = Files.createTempFile("kafka-bench-envelopes", ".jsonl");
        Files.writeString(file, lines);
        return file;
    }

    private static void createTopic(Admin admin, String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /** Waits until the group has a member with partitions, so that both sides start publishing to a ready group. */
    private static void awaitMembers(Admin admin, String group) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (description.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // the group does not exist yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("consumer group " + group + " got no partitions within 60 s");
    }
}
