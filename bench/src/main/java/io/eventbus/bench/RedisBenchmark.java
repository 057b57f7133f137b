package io.eventbus.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * Redis Streams: raw Lettuce (async pipelined {@code XADD MAXLEN ~}; one consumer thread doing
 * {@code XREADGROUP COUNT 100} + one {@code XACK} per batch) against {@code bus:} over the redis transport (publish
 * through the asynchronous {@code bus:} producer from BUS_PUBLISHERS threads with up to MAX_IN_FLIGHT publishes
 * awaiting Redis's reply; a {@code bus:} consumer route with concurrency BUS_CONCURRENCY, validating every event).
 * Same envelopes, same Redis on 127.0.0.1:6379, same run.
 * <p>
 * The raw side carries the same envelopes as an application on Lettuce alone would: it writes each one to JSON with
 * the same Jackson codec when it publishes it and reads it back when it consumes it, inside the measured time, as the
 * bus does. Without that it would compare the bus with sending bytes made before the clock started and never read;
 * that floor is measured too ("raw Lettuce, bytes only"), printed beside the two, and left out of the ratio.
 * Latency is publish to completion of the consumer's processing of the event; throughput is events over the time
 * from the first publish to the last completion.
 */
public final class RedisBenchmark implements Benchmark {

    static final int BUS_PUBLISHERS = Integer.getInteger("bench.publishers", 2);
    /** Publishes awaiting Redis's reply at once on the bus side (the raw side pipelines its XADDs too). */
    static final int MAX_IN_FLIGHT = Integer.getInteger("bench.in-flight", 1000);
    static final int BUS_CONCURRENCY = Integer.getInteger("bench.concurrency", 4);
    /**
     * The bus side's retention in entries ({@code -Dbench.max-len}; default the larger of 10,000 and the events, so
     * nothing is trimmed). Below the events, the bus trims as the stream grows, only past what its group has
     * acknowledged: the ratio then includes what that safety costs per publish. The raw side keeps every entry: its
     * {@code XADD MAXLEN ~} would drop entries its consumer had not read yet, and the run would never end.
     */
    static final int MAX_LEN = Integer.getInteger("bench.max-len", 0);
    private static final String URI = "redis://127.0.0.1:6379";
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String description() {
        return "raw Lettuce (pipelined XADD; XREADGROUP COUNT 100 + XACK per batch) vs bus: over redis-streams";
    }

    /** This JVM and the Redis server, which reports its own CPU time in {@code INFO cpu}. */
    private static final CpuClock CPU = CpuClock.jvmAndBroker(RedisBenchmark::redisCpuNanos,
            "this JVM + redis-server (its INFO cpu)");
    private static StatefulRedisConnection<String, String> info;

    @Override
    public String cpuScope() {
        return CPU.scope();
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        List<Envelope> warmup = events(options.warmup(), options.payloadBytes());
        List<Envelope> events = events(options.events(), options.payloadBytes());
        raw("raw Lettuce (warm-up)", warmup, true);
        raw("raw Lettuce, bytes only (warm-up)", warmup, false);
        bus("bus: (warm-up)", warmup);
        Measurement raw = raw("raw Lettuce", events, true);
        Measurement bus = bus("bus: over redis-streams (" + BUS_PUBLISHERS + " publishers, concurrency "
                + BUS_CONCURRENCY + ")", events);
        Measurement bytesOnly = raw("raw Lettuce, bytes only (not in the ratio)", events, false);
        return List.of(raw, bus, bytesOnly);
    }

    /** The CPU time the Redis server reports of itself ({@code used_cpu_user + used_cpu_sys}), in nanoseconds. */
    private static synchronized long redisCpuNanos() {
        if (info == null) {
            info = RedisClient.create(URI).connect();
        }
        double seconds = 0;
        for (String line : info.sync().info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return (long) (seconds * 1e9);
    }

    private static int maxLen(List<Envelope> events) {
        return MAX_LEN > 0 ? MAX_LEN : Math.max(10_000, events.size());
    }

    private static List<Envelope> events(int count, int payloadBytes) {
        String filler = "x".repeat(payloadBytes);
        List<Envelope> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode data = MAPPER.createObjectNode().put("seq", i).put("filler", filler);
            Envelope event = Envelope.create("bench_event", "bench", data);
            event.setPublishedAt("2025-01-01T00:00:00Z");
            events.add(event);
        }
        return events;
    }

    /**
     * @param codec whether the envelopes are written to JSON as they are published and read back as they are
     *              consumed (an application's work), or sent as bytes encoded before the clock starts and never read
     */
    private static Measurement raw(String label, List<Envelope> events, boolean codec) throws Exception {
        EnvelopeCodec json = new EnvelopeCodec();
        List<byte[]> encoded = new ArrayList<>(codec ? 0 : events.size());
        if (!codec) {
            for (Envelope event : events) {
                encoded.add(json.encode(event));
            }
        }
        String stream = "bench-raw-" + UUID.randomUUID();
        long[] sentAt = new long[events.size()];
        LatencyRecorder latencies = new LatencyRecorder(events.size());
        // as the transport configures Lettuce: no per-command latency recording, which nobody reads
        ClientResources resources = DefaultClientResources.builder()
                .commandLatencyRecorder(CommandLatencyRecorder.disabled()).build();
        RedisClient client = RedisClient.create(resources, URI);
        try (StatefulRedisConnection<String, byte[]> publisher = client.connect(CODEC);
                StatefulRedisConnection<String, byte[]> reader = client.connect(CODEC)) {
            publisher.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g",
                    XGroupCreateArgs.Builder.mkstream());
            CountDownLatch consumed = new CountDownLatch(events.size());
            long[] lastDone = new long[1];
            Thread consumer = new Thread(() -> {
                Consumer<String> me = Consumer.from("g", "raw");
                while (consumed.getCount() > 0) {
                    List<StreamMessage<String, byte[]>> batch = reader.sync().xreadgroup(me,
                            XReadArgs.Builder.count(100).block(100), XReadArgs.StreamOffset.lastConsumed(stream));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    String[] ids = new String[batch.size()];
                    for (int i = 0; i < ids.length; i++) {
                        StreamMessage<String, byte[]> entry = batch.get(i);
                        ids[i] = entry.getId();
                        int seq = codec ? json.decode(entry.getBody().get("envelope")).getData().get("seq").asInt()
                                : Integer.parseInt(new String(entry.getBody().get("seq"), StandardCharsets.UTF_8));
                        latencies.record(System.nanoTime() - sentAt[seq]);
                    }
                    reader.async().xack(stream, "g", ids);
                    lastDone[0] = System.nanoTime();
                    for (int i = 0; i < ids.length; i++) {
                        consumed.countDown();
                    }
                }
            }, "raw-consumer");
            consumer.start();
            Semaphore window = new Semaphore(1000);
            XAddArgs retention = new XAddArgs().maxlen(Math.max(10_000, events.size())).approximateTrimming();
            long cpu = CPU.now();
            long start = System.nanoTime();
            for (int i = 0; i < events.size(); i++) {
                window.acquire();
                sentAt[i] = System.nanoTime();
                Envelope event = events.get(i);
                Map<String, byte[]> fields = new LinkedHashMap<>(4);
                fields.put("envelope", codec ? json.encode(event) : encoded.get(i));
                fields.put("event_type", event.getEventType().getBytes(StandardCharsets.UTF_8));
                fields.put("event_id", event.getEventId().getBytes(StandardCharsets.UTF_8));
                if (!codec) {
                    fields.put("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
                publisher.async().xadd(stream, retention, fields).whenComplete((id, e) -> window.release());
            }
            if (!consumed.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(label + ": " + consumed.getCount() + " events never consumed");
            }
            cpu = CPU.now() - cpu;
            consumer.join();
            Measurement m = new Measurement(label, events.size(), lastDone[0] - start, latencies, cpu);
            publisher.sync().del(stream);
            return m;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown();
        }
    }

    private static Measurement bus(String label, List<Envelope> events) throws Exception {
        String topic = "bench-bus-" + UUID.randomUUID();
        long[] sentAt = new long[events.size()];
        LatencyRecorder latencies = new LatencyRecorder(events.size());
        CountDownLatch consumed = new CountDownLatch(events.size());
        long[] lastDone = new long[1];
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "redis");
        props.put("eventbus.redis.uri", URI);
        props.put("eventbus.redis.max-len", String.valueOf(maxLen(events)));
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=g&concurrency=" + BUS_CONCURRENCY).routeId("bench-consumer")
                        .process(e -> {
                            int seq = e.getIn().getBody(Envelope.class).getData().get("seq").asInt();
                            latencies.record(System.nanoTime() - sentAt[seq]);
                            synchronized (lastDone) {
                                lastDone[0] = System.nanoTime();
                            }
                            consumed.countDown();
                        });
            }
        });
        context.start();
        try {
            // resolved once, as a route's to() is: the raw side resolves nothing per event either
            AsyncSender sender = new AsyncSender(context, "bus:" + topic, MAX_IN_FLIGHT);
            ExecutorService publishers = Executors.newFixedThreadPool(BUS_PUBLISHERS);
            AtomicInteger next = new AtomicInteger();
            long cpu = CPU.now();
            long start = System.nanoTime();
            for (int p = 0; p < BUS_PUBLISHERS; p++) {
                publishers.execute(() -> {
                    int seq;
                    try {
                        while ((seq = next.getAndIncrement()) < events.size()) {
                            sentAt[seq] = System.nanoTime();
                            sender.send(events.get(seq), () -> { });
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            publishers.shutdown();
            publishers.awaitTermination(10, TimeUnit.MINUTES);
            sender.awaitConfirmed();
            sender.close();
            // tells which side limits the bus: publishing (consumers kept up) or consuming (a backlog remains)
            System.err.printf("%s: publishers done after %.0f ms, %d of %d consumed by then%n", label,
                    (System.nanoTime() - start) / 1e6, events.size() - consumed.getCount(), events.size());
            if (!consumed.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(label + ": " + consumed.getCount() + " events never consumed");
            }
            cpu = CPU.now() - cpu;
            synchronized (lastDone) {
                return new Measurement(label, events.size(), lastDone[0] - start, latencies, cpu);
            }
        } finally {
            context.stop();
            RedisClient client = RedisClient.create(URI);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().del(topic);
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }
}
