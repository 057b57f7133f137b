package io.eventbus.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.tools.ConsumerPerformance;
import org.apache.kafka.tools.ProducerPerformance;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * {@code bus:} over Kafka against Kafka's own tools and against applications doing the bus's work without it, same
 * run, same broker ({@link KafkaBenchBroker}), same envelopes, same producer properties, 4-partition topics.
 * <p>
 * Every row is a pipeline: a consumer group is started, then {@code --events} envelopes are published, and the run
 * ends when the group has processed them all; events/s is events over that wall time. Rows:
 * <ul>
 * <li>ceiling: kafka-tools 3.9.1's {@code ConsumerPerformance} (in a thread) and {@code ProducerPerformance}
 * (envelopes from a payload file, one async producer); they never write or parse JSON and ConsumerPerformance
 * auto-commits. Its latency is ProducerPerformance's own samples, send to acknowledgement, in whole milliseconds.</li>
 * <li>peer (a): an application on kafka-clients alone ({@link KafkaClientsPipeline}: Jackson, commitAsync per poll
 * after processing).</li>
 * <li>peers (b1), (b2): the same route on plain camel-kafka endpoints ({@link CamelKafkaPipeline}), committing
 * manually after the route (the bus's guarantee) or with camel-kafka's default auto-commit.</li>
 * <li>the bus: a {@code bus:} route consuming with concurrency 8 ({@code -Dbench.concurrency}).</li>
 * </ul>
 * The rows other than the tools publish from {@value #PUBLISHERS} threads, the asynchronous producers with up to
 * {@value #MAX_IN_FLIGHT} sends awaiting Kafka's acknowledgement; their envelopes are made before the clock starts, as
 * ProducerPerformance's payload file is, and written to JSON as they are sent. Their latency is end to end (publish to
 * processing); each round line adds their send-to-ack latency beside the tools'. The rows run in turn, the
 * pipelines' order rotating from round to round.
 * <p>
 * {@code --rate}: the kafka-clients application (the raw row), the two camel-kafka routes and the bus.
 */
public final class KafkaBenchmark implements Benchmark {

    /** Publisher threads of the pipeline rows: each keeps publishes in flight, as ProducerPerformance's one does. */
    static final int PUBLISHERS = 2;
    /** Publishes awaiting Kafka's acknowledgement at once through an asynchronous Camel producer. */
    static final int MAX_IN_FLIGHT = 5000;
    private static final int CONSUMER_CONCURRENCY = Integer.getInteger("bench.concurrency", 8);
    static final String TOOLS = "kafka-tools";

    private static final CpuClock CPU = CpuClock.jvm(KafkaBenchBroker.external()
            ? "this JVM only (the broker at EVENTBUS_KAFKA_BOOTSTRAP_SERVERS is not counted)"
            : "this JVM, with the in-JVM broker");

    /** Rounds run so far: the pipelines' order rotates with them. */
    private int round;

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String description() {
        return "bus: over Kafka vs kafka-tools (ceiling), a kafka-clients app and the route on camel-kafka endpoints "
                + "(publish, consume concurrently)";
    }

    @Override
    public CpuClock cpuClock() {
        return CPU;
    }

    @Override
    public List<Peer> peers() {
        return List.of(Peer.untargeted(TOOLS, "ceiling"), new Peer("kafka-clients", "peer (a)", 0.8),
                Peer.untargeted("camel-kafka-manual", "peer (b1), the bus's guarantee"),
                new Peer("camel-kafka-auto", "peer (b2)", 0.8));
    }

    /** The pipeline rows, each a fresh pipeline per run. */
    private static List<Supplier<EventPipeline>> pipelines() {
        return List.of(() -> new KafkaClientsPipeline(PUBLISHERS),
                () -> new CamelKafkaPipeline(CamelKafkaPipeline.Commit.MANUAL, PUBLISHERS),
                () -> new CamelKafkaPipeline(CamelKafkaPipeline.Commit.AUTO, PUBLISHERS),
                KafkaBenchmark::bus);
    }

    private static EventPipeline bus() {
        Properties props = new Properties();
        props.put("eventbus.transport", "kafka");
        props.put("eventbus.kafka.bootstrap-servers", KafkaBenchBroker.bootstrap());
        props.put("eventbus.kafka.partitions", String.valueOf(KafkaBenchBroker.PARTITIONS));
        props.put("eventbus.kafka.linger-ms", KafkaBenchBroker.PRODUCER.get("linger.ms"));
        props.put("eventbus.kafka.batch-size", KafkaBenchBroker.PRODUCER.get("batch.size"));
        props.put("eventbus.kafka.compression", KafkaBenchBroker.PRODUCER.get("compression.type"));
        return new BusPipeline("bus: over Kafka (concurrency " + CONSUMER_CONCURRENCY + ")", props,
                CONSUMER_CONCURRENCY, PUBLISHERS, MAX_IN_FLIGHT,
                (topic, group) -> KafkaBenchBroker.awaitMembers(group), BusPipeline.TopicHook.NONE);
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        Path payloads = payloadFile(options.payloadBytes());
        List<Supplier<EventPipeline>> rows = new ArrayList<>(pipelines());
        java.util.Collections.rotate(rows, -(round++ % rows.size()));
        try {
            String run = UUID.randomUUID().toString().substring(0, 8);
            if (options.warmup() > 0) {
                tools("bench.tools.warmup." + run, options.warmup(), payloads, false);
                for (Supplier<EventPipeline> row : rows) {
                    EventPipeline pipeline = row.get();
                    ClosedLoopRun.run(pipeline, "bench." + pipeline.key() + ".warmup." + run,
                            BenchEvents.create(options.warmup(), options.payloadBytes()), CPU);
                }
            }
            List<Measurement> measured = new ArrayList<>();
            measured.add(tools("bench.tools." + run, options.events(), payloads, true));
            for (Supplier<EventPipeline> row : rows) {
                EventPipeline pipeline = row.get();
                measured.add(ClosedLoopRun.run(pipeline, "bench." + pipeline.key() + "." + run,
                        BenchEvents.create(options.events(), options.payloadBytes()), CPU));
            }
            return measured;
        } finally {
            Files.deleteIfExists(payloads);
        }
    }

    /** The send-to-acknowledgement latency of the bus and of the tools, which measure nothing else. */
    @Override
    public String roundNote(List<Measurement> round) {
        Measurement tools = Measurement.find(round, TOOLS);
        Measurement bus = Measurement.find(round, BUS);
        return String.format(Locale.ROOT, "; send to ack p50/p99: tools %.0f/%.0f ms, bus %.3f/%.3f ms",
                tools.latencies().percentileMillis(50), tools.latencies().percentileMillis(99),
                bus.sendToAck().percentileMillis(50), bus.sendToAck().percentileMillis(99));
    }

    @Override
    public List<Supplier<EventPipeline>> fixedRateRows(BenchOptions options) {
        return pipelines();
    }

    @Override
    public String fixedRateRawKey() {
        return "kafka-clients";
    }

    @Override
    public double fixedRateP99LimitMillis() {
        return 10;
    }

    private static Measurement tools(String topic, int events, Path payloads, boolean report) throws Exception {
        KafkaBenchBroker.createTopic(topic);
        String bootstrap = KafkaBenchBroker.bootstrap();
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
            KafkaBenchBroker.awaitMembers("raw-" + topic);
            List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(events),
                    "--throughput", "-1", "--payload-file", payloads.toString(), "--producer-props",
                    "bootstrap.servers=" + bootstrap));
            KafkaBenchBroker.PRODUCER.forEach((k, v) -> args.add(k + "=" + v));
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
        return new Measurement(TOOLS, "kafka-tools Producer/ConsumerPerformance", events, nanos,
                producerLatencies(producer), cpu, LatencyKind.SEND_TO_ACK, null);
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

}
