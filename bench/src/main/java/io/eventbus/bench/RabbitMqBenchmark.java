package io.eventbus.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.perf.PerfTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * RabbitMQ PerfTest (the broker team's own load tool, run in-process) against {@code bus:} over the RabbitMQ
 * transport, with the same settings: a durable classic v2 queue bound to a topic exchange, persistent messages,
 * mandatory publishes with publisher confirms ({@value #PRODUCERS} producers, one outstanding confirm each — the
 * bus's publish returns once confirmed), one consumer with prefetch {@value #PREFETCH} acknowledging manually every
 * {@value #MULTI_ACK} messages (multiple ack), and the same body: one envelope's JSON.
 * <p>
 * Latency is from publish to consumption. PerfTest reports percentiles, not samples: its measurement carries a
 * 100-point distribution that reproduces its reported median and 99th percentile.
 */
public final class RabbitMqBenchmark implements Benchmark {

    static final int PRODUCERS = 4;
    static final int PREFETCH = 250;
    static final int MULTI_ACK = 50;
    private static final String URI = "amqp://guest:guest@127.0.0.1:5672";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern RATE = Pattern.compile("receiving rate avg: (\\d+) msg/s");
    private static final Pattern LATENCY = Pattern.compile(
            "consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (µs|ms)");

    @Override
    public String name() {
        return "rabbitmq";
    }

    @Override
    public String description() {
        return "PerfTest vs bus: over RabbitMQ — durable classic v2 queue, persistent, confirms (" + PRODUCERS
                + " producers x 1 in flight), prefetch " + PREFETCH + ", multi-ack every " + MULTI_ACK
                + ", same JSON body";
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] body = sampleBody(options.payloadBytes());
        try {
            perfTest(run + ".warmup-raw", body, options.warmup());
            bus(run + ".warmup-bus", options.payloadBytes(), options.warmup());
            Measurement raw = perfTest(run + ".raw", body, options.events());
            Measurement bus = bus(run + ".bus", options.payloadBytes(), options.events());
            return List.of(raw, bus);
        } finally {
            deleteAll(run);
        }
    }

    private Measurement perfTest(String topic, byte[] body, int events) throws Exception {
        int perProducer = Math.max(1, events / PRODUCERS);
        int total = perProducer * PRODUCERS;
        Path bodyFile = Files.createTempFile("perftest-body-", ".json");
        Files.write(bodyFile, body);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(captured, true, StandardCharsets.UTF_8);
        String[] args = {"--uri", URI, "--exchange", topic, "--type", "topic", "--routing-key", topic,
            "--queue", topic + ".perftest", "--auto-delete", "false", "--queue-args", "x-queue-version=2",
            "--flag", "persistent", "--flag", "mandatory", "--producers", String.valueOf(PRODUCERS),
            "--consumers", "1", "--confirm", "1", "--qos", String.valueOf(PREFETCH),
            "--multi-ack-every", String.valueOf(MULTI_ACK), "--pmessages", String.valueOf(perProducer),
            "--cmessages", String.valueOf(total), "--body", bodyFile.toString(),
            "--body-content-type", "application/json", "--interval", "1"};
        try {
            PerfTest.main(args, new PerfTest.PerfTestOptions().setConsoleOut(console).setConsoleErr(console)
                    .setSystemExiter(status -> { }));
        } finally {
            Files.deleteIfExists(bodyFile);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        Matcher rate = RATE.matcher(output);
        Matcher latency = LATENCY.matcher(output);
        if (!rate.find() || !latency.find()) {
            throw new IllegalStateException("cannot read PerfTest's summary from its output:\n" + output);
        }
        double nanosPerUnit = latency.group(6).equals("ms") ? 1e6 : 1e3;
        LatencyRecorder latencies = new LatencyRecorder(100);
        for (int i = 0; i < 100; i++) {
            long value = i < 98 ? Long.parseLong(latency.group(2)) : Long.parseLong(latency.group(5));
            latencies.record((long) (value * nanosPerUnit));
        }
        long nanos = (long) (total / Double.parseDouble(rate.group(1)) * 1e9);
        return new Measurement("RabbitMQ PerfTest " + PerfTestVersion.get(), total, nanos, latencies);
    }

    private Measurement bus(String topic, int payloadBytes, int events) throws Exception {
        int perProducer = Math.max(1, events / PRODUCERS);
        int total = perProducer * PRODUCERS;
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", URI);
        props.put("eventbus.rabbitmq.prefetch", String.valueOf(PREFETCH));
        props.put("eventbus.rabbitmq.ack-batch", String.valueOf(MULTI_ACK));
        props.put("eventbus.rabbitmq.channel-cache-size", String.valueOf(PRODUCERS * 4));
        context.getPropertiesComponent().setInitialProperties(props);
        LatencyRecorder latencies = new LatencyRecorder(total);
        CountDownLatch consumed = new CountDownLatch(total);
        AtomicLong lastConsumed = new AtomicLong();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=bench").routeId("bench-consumer").process(e -> {
                    long sent = e.getIn().getBody(Envelope.class).getData().get("sent_nanos").asLong();
                    long now = System.nanoTime();
                    latencies.record(now - sent);
                    lastConsumed.set(now);
                    consumed.countDown();
                });
            }
        });
        context.start();
        ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
        try {
            ProducerTemplate template = context.createProducerTemplate();
            // resolved once, as a route's to() is
            Endpoint endpoint = context.getEndpoint("bus:" + topic);
            String filler = "x".repeat(payloadBytes);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                done.add(producers.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        ObjectNode data = MAPPER.createObjectNode().put("filler", filler);
                        data.put("sent_nanos", System.nanoTime());
                        template.sendBody(endpoint, Envelope.create("bench_event", "bench", data));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.MINUTES);
            }
            if (!consumed.await(30, TimeUnit.MINUTES)) {
                throw new IllegalStateException("bus: consumed only " + (total - consumed.getCount()) + " of " + total);
            }
            return new Measurement("bus: over RabbitMQ (camel-eventbus)", total, lastConsumed.get() - start, latencies);
        } finally {
            producers.shutdownNow();
            context.stop();
        }
    }

    /** The JSON of one bench event, as PerfTest's body: the same bytes size and shape as the bus publishes. */
    private static byte[] sampleBody(int payloadBytes) {
        ObjectNode data = MAPPER.createObjectNode().put("filler", "x".repeat(payloadBytes));
        data.put("sent_nanos", System.nanoTime());
        Envelope event = Envelope.create("bench_event", "bench", data);
        event.setPublishedAt("2026-01-01T00:00:00.000Z");
        return new EnvelopeCodec().encode(event);
    }

    private static void deleteAll(String prefix) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection connection = factory.newConnection("bench-cleanup")) {
            for (String suffix : List.of(".warmup-raw", ".warmup-bus", ".raw", ".bus")) {
                String topic = prefix + suffix;
                for (String queue : List.of(topic + ".perftest", topic + ".bench", topic + ".bench.dlq",
                        topic + ".bench.retry")) {
                    try (Channel channel = connection.createChannel()) {
                        channel.queueDelete(queue);
                    }
                }
                try (Channel channel = connection.createChannel()) {
                    channel.exchangeDelete(topic);
                }
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
