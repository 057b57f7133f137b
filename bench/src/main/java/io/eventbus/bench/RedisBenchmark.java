package io.eventbus.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.wireformat.MappedFormat;
import io.eventbus.wireformat.WireMapping;
import io.eventbus.wireformat.WireMappings;

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
 * that floor is measured too ("raw Lettuce, bytes only"), a row of its own held to no target. The bus is held to
 * 0.9 of the raw side's throughput.
 * Latency is publish to completion of the consumer's processing of the event; throughput is events over the time
 * from the first publish to the last completion.
 * <p>
 * With {@code --format <mapping>} (a shipped wire format, docs/wire-formats.md), the raw side writes and reads that
 * format's native JSON instead (the message the mapping writes for each event, as a Jackson tree an application
 * would hold, written and parsed with Jackson inside the measured time), and the bus side runs on a topic in that
 * format ({@code eventbus.topics.<topic>.format}: the producer maps each envelope to the native message, the
 * consumer maps it back before validation) and on a topic in the envelope, twice each per round (envelope, mapped,
 * mapped, envelope; the next round mapped, envelope, envelope, mapped); each topic's two runs count as one.
 * The bus's row is then the mapped topic, the envelope topic a row of its own; {@link #printSummary} adds what the
 * mapped topic costs per event against the envelope topic. {@code --compression <codec>} and {@code --encryption}
 * compare the same way a topic that seals {@code data} (docs/protection.md), the raw side carrying the envelope.
 * <p>
 * {@code --rate}: raw Lettuce as an application ({@link LettucePipeline}, the raw row) and the bus.
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

    static final String LETTUCE = "lettuce";
    static final String BYTES_ONLY = "lettuce-bytes";
    static final String ENVELOPE_TOPIC = "bus-envelope-topic";
    private static final String WARMUP = "warm-up";

    @Override
    public CpuClock cpuClock() {
        return CPU;
    }

    /** {@code --rate}: raw Lettuce ({@link LettucePipeline}), then the bus with the full-speed bus side's settings. */
    @Override
    public List<java.util.function.Supplier<EventPipeline>> fixedRateRows(BenchOptions options) {
        int retention = Math.max(10_000, Math.max(options.events(), options.warmup()));
        return List.of(() -> new LettucePipeline(URI, retention), () -> {
            Properties props = new Properties();
            props.put("eventbus.transport", "redis");
            props.put("eventbus.redis.uri", URI);
            props.put("eventbus.redis.max-len", String.valueOf(MAX_LEN > 0 ? MAX_LEN : retention));
            return new BusPipeline("bus: over redis-streams (concurrency " + BUS_CONCURRENCY + ")", props,
                    BUS_CONCURRENCY, BUS_PUBLISHERS, MAX_IN_FLIGHT, BusPipeline.TopicHook.NONE,
                    (topic, group) -> deleteStream(topic));
        });
    }

    @Override
    public String fixedRateRawKey() {
        return LETTUCE;
    }

    @Override
    public double fixedRateP99LimitMillis() {
        return 10;
    }

    private static void deleteStream(String stream) {
        RedisClient client = RedisClient.create(URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().del(stream);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public List<Peer> peers() {
        return formatRun
                ? List.of(new Peer(LETTUCE, "raw client", 0.9), Peer.untargeted(ENVELOPE_TOPIC, "the envelope topic"),
                        Peer.untargeted(BYTES_ONLY, "floor"))
                : List.of(new Peer(LETTUCE, "raw client", 0.9), Peer.untargeted(BYTES_ONLY, "floor"));
    }

    /** {@code --format} rounds run so far: which topic's runs come first and last alternates. */
    private int round;
    /** Whether the rounds compare a wire format with the envelope: the envelope topic is then a row of its own. */
    private boolean formatRun;

    @Override
    public boolean supportsFormat() {
        return true;
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        formatRun = options.format() != null || options.protects();
        if (formatRun) {
            return runWithFormat(options, options.variant());
        }
        List<Envelope> warmup = events(options.warmup(), options.payloadBytes());
        List<Envelope> events = events(options.events(), options.payloadBytes());
        RawFormat envelope = RawFormat.envelope();
        raw(WARMUP, "raw Lettuce (warm-up)", warmup, envelope, true);
        raw(WARMUP, "raw Lettuce, bytes only (warm-up)", warmup, envelope, false);
        bus(WARMUP, "bus: (warm-up)", warmup, Map.of());
        Measurement raw = raw(LETTUCE, "raw Lettuce", events, envelope, true);
        Measurement bus = bus(BUS, "bus: over redis-streams (" + BUS_PUBLISHERS + " publishers, concurrency "
                + BUS_CONCURRENCY + ")", events, Map.of());
        Measurement bytesOnly = raw(BYTES_ONLY, "raw Lettuce, bytes only (floor)", events, envelope, false);
        return List.of(raw, bus, bytesOnly);
    }

    /**
     * {@code [raw Lettuce with the native JSON, bus: on the mapped topic, bus: on the envelope topic, bytes only]}.
     * Each bus run gets envelopes of its own: the producer stamps a trace id on those it publishes.
     */
    private List<Measurement> runWithFormat(BenchOptions options, String format) throws Exception {
        RawFormat mapped = options.format() != null ? RawFormat.mapped(format) : RawFormat.envelope();
        Map<String, String> variant = variantSettings(options);
        int n = options.events();
        int payload = options.payloadBytes();
        List<Envelope> events = events(n, payload);
        raw(WARMUP, "raw Lettuce, " + format + " JSON (warm-up)", events(options.warmup(), payload), mapped, true);
        raw(WARMUP, "raw Lettuce, bytes only (warm-up)", events(options.warmup(), payload), mapped, false);
        bus(WARMUP, "bus: " + format + " topic (warm-up)", events(options.warmup(), payload), variant);
        bus(WARMUP, "bus: envelope topic (warm-up)", events(options.warmup(), payload), Map.of());
        String rawJson = options.format() != null ? format : "envelope";
        Measurement raw = raw(LETTUCE, "raw Lettuce, " + rawJson + " JSON", events, mapped, true);
        String mappedLabel = "bus: redis-streams, " + format + " topic";
        String envelopeLabel = "bus: redis-streams, envelope topic";
        // A B B A, the outer pair's topic alternating from round to round: with one run each, the round's first bus
        // run was often the dearer one whatever its topic (up to half again the CPU per event)
        boolean envelopeOutside = round++ % 2 == 0;
        Map<String, String> outer = envelopeOutside ? Map.of() : variant;
        Map<String, String> inner = envelopeOutside ? variant : Map.of();
        String outerLabel = envelopeOutside ? envelopeLabel : mappedLabel;
        String innerLabel = envelopeOutside ? mappedLabel : envelopeLabel;
        String outerKey = envelopeOutside ? ENVELOPE_TOPIC : BUS;
        String innerKey = envelopeOutside ? BUS : ENVELOPE_TOPIC;
        Measurement outerFirst = bus(outerKey, outerLabel, events(n, payload), outer);
        Measurement innerFirst = bus(innerKey, innerLabel, events(n, payload), inner);
        Measurement innerSecond = bus(innerKey, innerLabel, events(n, payload), inner);
        Measurement outerSecond = bus(outerKey, outerLabel, events(n, payload), outer);
        Measurement onOuter = Measurement.combine(outerLabel, outerFirst, outerSecond);
        Measurement onInner = Measurement.combine(innerLabel, innerFirst, innerSecond);
        Measurement onMapped = envelopeOutside ? onInner : onOuter;
        Measurement onEnvelope = envelopeOutside ? onOuter : onInner;
        Measurement bytesOnly = raw(BYTES_ONLY, "raw Lettuce, bytes only (floor)", events, mapped, false);
        return List.of(raw, onMapped, onEnvelope, bytesOnly);
    }

    @Override
    public String roundNote(List<Measurement> pair) {
        if (pair.size() < 4) {
            return "";
        }
        Measurement mapped = pair.get(1);
        Measurement envelope = pair.get(2);
        return String.format(Locale.ROOT, "; bus on the envelope topic %.0f events/s, %.1f µs: the compared topic %s",
                envelope.eventsPerSecond(), envelope.cpuMicrosPerEvent(),
                costs(cpuIncrease(pair), throughputDecrease(pair)));
    }

    /** With {@code --format}: the mapped topic's cost per event against the envelope topic's, median of the rounds. */
    @Override
    public void printSummary(BenchOptions options, List<List<Measurement>> rounds, PrintStream out) {
        if (options.format() == null && !options.protects()) {
            return;
        }
        double[] cpu = rounds.stream().mapToDouble(RedisBenchmark::cpuIncrease).toArray();
        double[] throughput = rounds.stream().mapToDouble(RedisBenchmark::throughputDecrease).toArray();
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < cpu.length; i++) {
            each.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.1f %% / %+.1f %%", cpu[i],
                    -throughput[i]));
        }
        out.printf(Locale.ROOT, "%s %s: that topic %s than the envelope topic (median of %d rounds; cpu per "
                + "event / throughput, per round: %s)%n", options.format() != null ? "format" : "protection",
                options.variant(), costs(median(cpu), median(throughput)),
                rounds.size(), each);
    }

    /** How much more CPU per event the mapped topic spent than the envelope topic, in percent. */
    private static double cpuIncrease(List<Measurement> pair) {
        return (pair.get(1).cpuMicrosPerEvent() / pair.get(2).cpuMicrosPerEvent() - 1) * 100;
    }

    /** How much lower the mapped topic's throughput was than the envelope topic's, in percent. */
    private static double throughputDecrease(List<Measurement> pair) {
        return (1 - pair.get(1).eventsPerSecond() / pair.get(2).eventsPerSecond()) * 100;
    }

    private static String costs(double cpuIncrease, double throughputDecrease) {
        return String.format(Locale.ROOT, "costs %.1f %% %s CPU per event and %.1f %% %s throughput",
                Math.abs(cpuIncrease), cpuIncrease >= 0 ? "more" : "less",
                Math.abs(throughputDecrease), throughputDecrease >= 0 ? "less" : "more");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /**
     * What the raw side writes and reads: the envelope with the bus's codec, or a wire format's native JSON as a
     * Jackson tree, made from each event by the mapping before the clock starts (an application holds its messages
     * in its own form), written and parsed with a plain {@code ObjectMapper} inside the measured time.
     */
    private interface RawFormat {

        /** Called before the clock starts, once per run. */
        default void prepare(List<Envelope> events) {
        }

        byte[] encode(int index, Envelope event) throws Exception;

        int seq(byte[] message) throws Exception;

        static RawFormat envelope() {
            EnvelopeCodec json = new EnvelopeCodec();
            return new RawFormat() {
                @Override
                public byte[] encode(int index, Envelope event) {
                    return json.encode(event);
                }

                @Override
                public int seq(byte[] message) {
                    return json.decode(message).getData().get("seq").asInt();
                }
            };
        }

        static RawFormat mapped(String name) {
            WireMapping mapping = new WireMappings(WireMappings.SHIPPED).named(name);
            MappedFormat format = new MappedFormat(mapping, new EnvelopeValidator(new EnvelopeCodec(),
                    new SchemaRegistry(), ValidationSettings.defaults()), Clock.systemUTC());
            JsonPointer seq = mapping.payloadIsRest() ? JsonPointer.compile("/seq")
                    : mapping.payload().appendProperty("seq");
            return new RawFormat() {
                private final List<JsonNode> messages = new ArrayList<>();

                @Override
                public void prepare(List<Envelope> events) {
                    messages.clear();
                    for (Envelope event : events) {
                        try {
                            messages.add(MAPPER.readTree(format.encode(event, null)));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }

                @Override
                public byte[] encode(int index, Envelope event) throws Exception {
                    return MAPPER.writeValueAsBytes(messages.get(index));
                }

                @Override
                public int seq(byte[] message) throws Exception {
                    return MAPPER.readTree(message).at(seq).asInt();
                }
            };
        }
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
     * @param format what the messages are: the envelope, or a wire format's native JSON
     * @param codec  whether the messages are written to JSON as they are published and read back as they are
     *               consumed (an application's work), or sent as bytes encoded before the clock starts and never read
     */
    private static Measurement raw(String key, String label, List<Envelope> events, RawFormat format,
            boolean codec)
            throws Exception {
        format.prepare(events);
        List<byte[]> encoded = new ArrayList<>(codec ? 0 : events.size());
        if (!codec) {
            for (int i = 0; i < events.size(); i++) {
                encoded.add(format.encode(i, events.get(i)));
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
                        int seq;
                        try {
                            seq = codec ? format.seq(entry.getBody().get("envelope"))
                                    : Integer.parseInt(new String(entry.getBody().get("seq"), StandardCharsets.UTF_8));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
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
                fields.put("envelope", codec ? format.encode(i, event) : encoded.get(i));
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
            Measurement m = new Measurement(key, label, events.size(), lastDone[0] - start, latencies, cpu);
            publisher.sync().del(stream);
            return m;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown();
        }
    }

    /**
     * The settings of the topic {@code --format}, {@code --compression} or {@code --encryption} compares with the
     * envelope topic: a key name to its value, {@code eventbus.topics.<topic>.} left out, plus the encryption key.
     * Compression has threshold 0, so that every event is compressed whatever {@code --payload-bytes}.
     */
    private static Map<String, String> variantSettings(BenchOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (options.format() != null) {
            settings.put("format", options.format());
        }
        if (options.compression() != null) {
            settings.put("compression", options.compression());
            settings.put("compression-threshold", "0");
        }
        if (options.encryption()) {
            settings.put("encryption", "aes-256-gcm");
        }
        return settings;
    }

    /** A fixed bench key: the benchmark measures the cipher, not key handling. */
    private static final String BENCH_KEY = java.util.Base64.getEncoder().encodeToString(new byte[32]);

    /** @param topicSettings the topic's settings (format, compression, encryption), none for a plain envelope */
    private static Measurement bus(String key, String label, List<Envelope> events, Map<String, String> topicSettings)
            throws Exception {
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
        topicSettings.forEach((name, value) -> props.put("eventbus.topics." + topic + "." + name, value));
        if (topicSettings.containsKey("encryption")) {
            props.put("eventbus.encryption.key-ids", "bench");
            props.put("eventbus.encryption.key.bench.secret", BENCH_KEY);
            props.put("eventbus.encryption.current-key", "bench");
        }
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
                return new Measurement(key, label, events.size(), lastDone[0] - start, latencies, cpu);
            }
        } finally {
            context.stop();
            deleteStream(topic);
        }
    }
}
