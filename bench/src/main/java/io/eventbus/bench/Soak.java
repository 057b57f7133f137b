package io.eventbus.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.kafka.KafkaTestBroker;

/**
 * Steady traffic for a long time, to see what grows: {@code bench/run <transport> --soak 30m --rate 1000}. One
 * {@code bus:} route (group {@code soak}, concurrency 4) consumes what a paced publisher sends through the
 * asynchronous {@code bus:} producer. Every {@code --report-every} (default 1m) it prints the heap after a full
 * collection, the JVM's live threads, its open TCP connections to the broker, and the p50/p99 latency (publish to
 * the end of the route's processing) of the events completed in that interval, with the backlog. At the end it
 * drains, checks published = processed by sequence number (lost and duplicated ones counted), and compares the last
 * third of the intervals with the first third: heap, threads or connections that grew past a small margin are named,
 * and the exit status is 1 then, or when an event was lost.
 * <p>
 * Kafka: {@code EVENTBUS_KAFKA_BOOTSTRAP_SERVERS} (e.g. {@code scripts/kafka-broker}) keeps the broker out of the
 * measured JVM; without it an in-JVM broker runs, and its heap and threads are counted too.
 */
final class Soak {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long HEAP_MARGIN_BYTES = 32L * 1024 * 1024;
    private static final int THREAD_MARGIN = 4;
    private static final int CONNECTION_MARGIN = 1;

    private final String transport;
    private final BenchOptions options;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** Sequence numbers processed at least once, and how many were processed again. Guarded by itself. */
    private final BitSet processed = new BitSet();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong processedCount = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final Object intervalLock = new Object();
    private LatencyRecorder interval;

    Soak(String transport, BenchOptions options) {
        this.transport = transport;
        this.options = options;
    }

    /** A sample of the JVM at the end of one interval. */
    private record Sample(long heapBytes, int threads, int connections) {
    }

    /** Runs the soak; returns whether nothing was lost and nothing grew. */
    boolean run() throws Exception {
        String topic = "soak-" + transport + "-" + UUID.randomUUID().toString().substring(0, 8);
        int brokerPort = brokerPort();
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties(transport));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=soak&concurrency=4").routeId("soak-consumer").process(e -> {
                    Envelope event = e.getIn().getBody(Envelope.class);
                    int seq = event.getData().get("seq").asInt();
                    long latency = System.nanoTime() - event.getData().get("sent_nanos").asLong();
                    synchronized (processed) {
                        if (processed.get(seq)) {
                            duplicates.incrementAndGet();
                        } else {
                            processed.set(seq);
                            processedCount.incrementAndGet();
                        }
                    }
                    synchronized (intervalLock) {
                        interval.record(latency);
                    }
                });
            }
        });
        long reportNanos = options.reportEvery().toNanos();
        interval = new LatencyRecorder(recorderCapacity());
        context.start();
        String filler = "x".repeat(options.payloadBytes());
        List<Sample> samples = new ArrayList<>();
        System.out.printf(Locale.ROOT, "soak of bus: over %s: %d events/s for %s, a line every %s%s%n", transport,
                options.soakRate(), text(options.soak()), text(options.reportEvery()),
                brokerPort > 0 ? ", connections counted to port " + brokerPort : "");
        System.out.printf(Locale.ROOT, "%8s %12s %12s %10s %8s %12s %9s %9s%n", "minute", "published", "processed",
                "heap MB", "threads", "connections", "p50 ms", "p99 ms");
        int seq = 0;
        try (AsyncSender sender = new AsyncSender(context, "bus:" + topic, 1000)) {
            long start = System.nanoTime();
            long end = start + options.soak().toNanos();
            long nextReport = start + reportNanos;
            while (System.nanoTime() < end) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * options.soakRate());
                while (seq < due) {
                    ObjectNode data = MAPPER.createObjectNode().put("seq", seq).put("sent_nanos", System.nanoTime())
                            .put("filler", filler);
                    sender.send(Envelope.create("soak_event", "bench-soak", data), confirmed::incrementAndGet);
                    seq++;
                }
                if (System.nanoTime() >= nextReport) {
                    samples.add(report(samples.size() + 1, seq, brokerPort, (System.nanoTime() - start) / 60e9));
                    nextReport += reportNanos;
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
            sender.awaitConfirmed();
            long drainUntil = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (processedCount.get() < seq && System.nanoTime() < drainUntil) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } finally {
            context.stop();
        }
        return verdict(seq, samples);
    }

    private Sample report(int index, int published, int brokerPort, double minutes) {
        LatencyRecorder done;
        synchronized (intervalLock) {
            done = interval;
            interval = new LatencyRecorder(recorderCapacity());
        }
        System.gc();
        Sample sample = new Sample(memory.getHeapMemoryUsage().getUsed(), threads.getThreadCount(),
                brokerPort > 0 ? connectionsTo(brokerPort) : 0);
        System.out.printf(Locale.ROOT, "%8.1f %12d %12d %10.1f %8d %12s %9.2f %9.2f%n", minutes, published,
                processedCount.get(), sample.heapBytes() / 1048576.0, sample.threads(),
                brokerPort > 0 ? String.valueOf(sample.connections()) : "-", done.percentileMillis(50),
                done.percentileMillis(99));
        return sample;
    }

    private boolean verdict(int published, List<Sample> samples) {
        int lost;
        synchronized (processed) {
            lost = published - processed.cardinality();
        }
        System.out.printf(Locale.ROOT, "published %d, confirmed %d, processed %d, lost %d, processed again %d%n",
                published, confirmed.get(), processedCount.get(), lost, duplicates.get());
        List<String> grew = new ArrayList<>();
        if (samples.size() >= 3) {
            int third = samples.size() / 3;
            List<Sample> first = samples.subList(0, third);
            List<Sample> last = samples.subList(samples.size() - third, samples.size());
            long heapFirst = median(first.stream().mapToLong(Sample::heapBytes).toArray());
            long heapLast = median(last.stream().mapToLong(Sample::heapBytes).toArray());
            long threadsFirst = median(first.stream().mapToLong(Sample::threads).toArray());
            long threadsLast = median(last.stream().mapToLong(Sample::threads).toArray());
            long connFirst = median(first.stream().mapToLong(Sample::connections).toArray());
            long connLast = median(last.stream().mapToLong(Sample::connections).toArray());
            if (heapLast > heapFirst * 1.2 + HEAP_MARGIN_BYTES) {
                grew.add(String.format(Locale.ROOT, "heap after GC %.1f MB -> %.1f MB", heapFirst / 1048576.0,
                        heapLast / 1048576.0));
            }
            if (threadsLast > threadsFirst + THREAD_MARGIN) {
                grew.add("threads " + threadsFirst + " -> " + threadsLast);
            }
            if (connLast > connFirst + CONNECTION_MARGIN) {
                grew.add("connections " + connFirst + " -> " + connLast);
            }
            System.out.println(grew.isEmpty()
                    ? "first third against last third of the intervals: heap, threads and connections did not grow"
                    : "grew from the first third to the last third of the intervals: " + String.join("; ", grew));
        } else {
            System.out.println("fewer than 3 intervals: too short to tell whether anything grows");
        }
        return lost == 0 && grew.isEmpty();
    }

    /** The properties that put {@code bus:} on the transport's broker on this machine. */
    static Properties properties(String transport) {
        Properties props = new Properties();
        props.put("eventbus.transport", transport);
        switch (transport) {
            case "redis" -> props.put("eventbus.redis.uri", "redis://127.0.0.1:6379");
            case "rabbitmq" -> props.put("eventbus.rabbitmq.uri", "amqp://guest:guest@127.0.0.1:5672");
            case "kafka" -> props.put("eventbus.kafka.bootstrap-servers", kafkaBootstrap());
            default -> {
            }
        }
        return props;
    }

    private static String kafkaBootstrap() {
        String external = System.getenv("EVENTBUS_KAFKA_BOOTSTRAP_SERVERS");
        return external != null && !external.isBlank() ? external : KafkaTestBroker.bootstrapServers();
    }

    /** The port of the broker whose connections are counted; 0 for the in-memory transport. */
    private int brokerPort() {
        return switch (transport) {
            case "redis" -> 6379;
            case "rabbitmq" -> 5672;
            case "kafka" -> {
                String first = kafkaBootstrap().split(",")[0];
                yield Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            }
            default -> 0;
        };
    }

    private int recorderCapacity() {
        return (int) Math.min(Integer.MAX_VALUE - 8,
                options.soakRate() * options.reportEvery().toSeconds() * 2 + 1024);
    }

    /**
     * Established TCP connections of this process to the port: the sockets among this process's file descriptors
     * that {@code /proc/net/tcp} and {@code tcp6} list as connected to it (Linux; -1 elsewhere).
     */
    static int connectionsTo(int port) {
        Set<String> ours = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ours.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing
                }
            }
            String hexPort = String.format(Locale.ROOT, ":%04X", port);
            int count = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path path = Path.of(table);
                if (!Files.exists(path)) {
                    continue;
                }
                for (String line : Files.readAllLines(path)) {
                    String[] f = line.trim().split("\\s+");
                    // local address, remote address, state (01 = established), ..., inode at index 9
                    if (f.length > 9 && f[2].endsWith(hexPort) && "01".equals(f[3]) && ours.contains(f[9])) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    private static String text(Duration duration) {
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }
}
