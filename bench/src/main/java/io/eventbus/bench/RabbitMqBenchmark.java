package io.eventbus.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.perf.PerfTest;

import io.eventbus.envelope.Envelope;

/**
 * {@code bus:} over RabbitMQ against RabbitMQ PerfTest (the broker team's own load tool, run in-process) and against
 * the same route on plain camel-spring-rabbitmq endpoints, with the same settings: a durable classic v2 queue bound to
 * a topic exchange, persistent messages with publisher confirms from {@value #PRODUCERS} producers, one consumer with
 * prefetch {@value #PREFETCH}, acknowledging after processing, and the same body: one envelope's JSON.
 * <ul>
 * <li>peer (a): PerfTest with {@value #CONFIRM_WINDOW} outstanding confirms per producer, as an amqp-client user
 * publishes (mandatory), acknowledging every {@value #MULTI_ACK} messages at once (multiple ack). It never parses the
 * body. Its latency is its own summary (median and 99th percentile, publish to consumption).</li>
 * <li>an application on amqp-client alone ({@link AmqpClientPipeline}): PerfTest's settings, plus a JSON write per
 * publish and a Jackson parse per consumed message; held to no target, the raw row of {@code --rate}.</li>
 * <li>peer (b): the route on camel-spring-rabbitmq ({@link CamelSpringRabbitPipeline}).</li>
 * <li>the bus: a {@code bus:} route (concurrency 1), acknowledging every {@value #MULTI_ACK} (the transport's
 * {@code ack-batch}), its publishers on the asynchronous {@code bus:} producer.</li>
 * </ul>
 * The rows other than PerfTest publish from {@value #PRODUCERS} threads; their latency is publish to processing.
 * Their order rotates from round to round. CPU is this JVM's: PerfTest runs in it; the RabbitMQ server is not counted.
 */
public final class RabbitMqBenchmark implements Benchmark {

    static final int PRODUCERS = 4;
    /** Publishes awaiting the broker's confirmation per producer: PerfTest's {@code --confirm}. */
    static final int CONFIRM_WINDOW = 200;
    static final int PREFETCH = 250;
    static final int MULTI_ACK = 50;
    static final String URI = "amqp://guest:guest@127.0.0.1:5672";
    static final String PERF_TEST = "perftest";
    private static final Pattern RATE = Pattern.compile("receiving rate avg: (\\d+) msg/s");
    private static final Pattern LATENCY = Pattern.compile(
            "consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (µs|ms)");
    private static final CpuClock CPU = CpuClock.jvm("this JVM, where PerfTest runs too (not the RabbitMQ server)");

    /** Rounds run so far: the pipelines' order rotates with them. */
    private int round;

    @Override
    public String name() {
        return "rabbitmq";
    }

    @Override
    public String description() {
        return "bus: over RabbitMQ vs PerfTest, an amqp-client app and the route on camel-spring-rabbitmq — durable "
                + "classic v2 queue, persistent, confirms, " + PRODUCERS + " producers, prefetch " + PREFETCH
                + ", same JSON body";
    }

    @Override
    public CpuClock cpuClock() {
        return CPU;
    }

    @Override
    public List<Peer> peers() {
        return List.of(new Peer(PERF_TEST, "peer (a)", 0.7), Peer.untargeted(AmqpClientPipeline.KEY, "raw client app"),
                new Peer(CamelSpringRabbitPipeline.KEY, "peer (b)", 1.0));
    }

    private static List<Supplier<EventPipeline>> pipelines() {
        return List.of(AmqpClientPipeline::new, CamelSpringRabbitPipeline::new, RabbitMqBenchmark::bus);
    }

    private static EventPipeline bus() {
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", URI);
        props.put("eventbus.rabbitmq.prefetch", String.valueOf(PREFETCH));
        props.put("eventbus.rabbitmq.ack-batch", String.valueOf(MULTI_ACK));
        props.put("eventbus.rabbitmq.channel-cache-size", String.valueOf(PRODUCERS * 4));
        return new BusPipeline("bus: over RabbitMQ (camel-eventbus)", props, 1, PRODUCERS,
                PRODUCERS * CONFIRM_WINDOW, BusPipeline.TopicHook.NONE, (topic, group) -> deleteAll(topic,
                        List.of(topic + "." + group, topic + "." + group + ".dlq", topic + "." + group + ".retry")));
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] body = sampleBody(options.payloadBytes());
        List<Supplier<EventPipeline>> rows = new ArrayList<>(pipelines());
        Collections.rotate(rows, -(round++ % rows.size()));
        if (options.warmup() > 0) {
            perfTest(run + ".warmup-perftest", body, options.warmup());
            for (Supplier<EventPipeline> row : rows) {
                EventPipeline pipeline = row.get();
                ClosedLoopRun.run(pipeline, run + ".warmup-" + pipeline.key(),
                        BenchEvents.create(options.warmup(), options.payloadBytes()), CPU);
            }
        }
        List<Measurement> measured = new ArrayList<>();
        measured.add(perfTest(run + ".perftest", body, options.events()));
        for (Supplier<EventPipeline> row : rows) {
            EventPipeline pipeline = row.get();
            measured.add(ClosedLoopRun.run(pipeline, run + "." + pipeline.key(),
                    BenchEvents.create(options.events(), options.payloadBytes()), CPU));
        }
        return measured;
    }

    @Override
    public List<Supplier<EventPipeline>> fixedRateRows(BenchOptions options) {
        return pipelines();
    }

    @Override
    public String fixedRateRawKey() {
        return AmqpClientPipeline.KEY;
    }

    @Override
    public double fixedRateP99LimitMillis() {
        return 20;
    }

    /** Peer (a): PerfTest on its own exchange and queue, deleted afterwards. */
    private Measurement perfTest(String topic, byte[] body, int events) throws Exception {
        int perProducer = Math.max(1, events / PRODUCERS);
        int total = perProducer * PRODUCERS;
        Path bodyFile = Files.createTempFile("perftest-body-", ".json");
        Files.write(bodyFile, body);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(captured, true, StandardCharsets.UTF_8);
        String queue = topic + ".perftest";
        String[] args = {"--uri", URI, "--exchange", topic, "--type", "topic", "--routing-key", topic,
            "--queue", queue, "--auto-delete", "false", "--queue-args", "x-queue-version=2",
            "--flag", "persistent", "--flag", "mandatory", "--producers", String.valueOf(PRODUCERS),
            "--consumers", "1", "--confirm", String.valueOf(CONFIRM_WINDOW), "--qos", String.valueOf(PREFETCH),
            "--multi-ack-every", String.valueOf(MULTI_ACK), "--pmessages", String.valueOf(perProducer),
            "--cmessages", String.valueOf(total), "--body", bodyFile.toString(),
            "--body-content-type", "application/json", "--interval", "1"};
        long cpu = CPU.now();
        try {
            PerfTest.main(args, new PerfTest.PerfTestOptions().setConsoleOut(console).setConsoleErr(console)
                    .setSystemExiter(status -> { }));
        } finally {
            Files.deleteIfExists(bodyFile);
            deleteAll(topic, List.of(queue));
        }
        cpu = CPU.now() - cpu;
        String output = captured.toString(StandardCharsets.UTF_8);
        Matcher rate = RATE.matcher(output);
        Matcher latency = LATENCY.matcher(output);
        if (!rate.find() || !latency.find()) {
            throw new IllegalStateException("cannot read PerfTest's summary from its output:\n" + output);
        }
        double nanosPerUnit = latency.group(6).equals("ms") ? 1e6 : 1e3;
        LatencyRecorder latencies = LatencyRecorder.ofSummary((long) (Long.parseLong(latency.group(2)) * nanosPerUnit),
                (long) (Long.parseLong(latency.group(5)) * nanosPerUnit));
        long nanos = (long) (total / Double.parseDouble(rate.group(1)) * 1e9);
        return new Measurement(PERF_TEST, "RabbitMQ PerfTest " + PerfTestVersion.get() + ", " + CONFIRM_WINDOW
                + " confirms in flight per producer", total, nanos, latencies, cpu);
    }

    /** The JSON of one bench event, as PerfTest's body: the same bytes, size and shape as the other rows publish. */
    private static byte[] sampleBody(int payloadBytes) {
        Envelope event = BenchEvents.create(1, payloadBytes).get(0);
        return EnvelopeJson.write(event);
    }

    /** Deletes the queues and the exchange of a run, if they exist. */
    static void deleteAll(String exchange, List<String> queues) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection connection = factory.newConnection("bench-cleanup")) {
            for (String queue : queues) {
                try (Channel channel = connection.createChannel()) {
                    channel.queueDelete(queue);
                }
            }
            try (Channel channel = connection.createChannel()) {
                channel.exchangeDelete(exchange);
            }
        }
    }

    /** PerfTest's version, for the report. */
    private static final class PerfTestVersion {
        static String get() {
            String version = PerfTest.class.getPackage().getImplementationVersion();
            return version == null ? "" : version;
        }
    }
}
