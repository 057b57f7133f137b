package io.eventbus.bench;

import java.io.PrintStream;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

/**
 * How late delayed events are delivered: {@code bench/run <transport> --delayed --rate 1000 [--delay 2000]
 * [--duration 20s]}. A paced publisher sends {@code --rate} events a second through the asynchronous {@code bus:}
 * producer, each with {@code EventbusDeliverAt} = its send time + {@code --delay}; one {@code bus:} route (group
 * {@code delayed}, concurrency 4) records, per event, the time from its due time to the start of its processing
 * (HdrHistogram, microseconds, 3 significant digits; the clock is {@code currentTimeMillis}, so 1 ms is the resolution).
 * The first five seconds' worth of events are a warm-up (a Kafka
 * mover joins its group then) and not recorded. At the end it drains and prints p50/p99/p99.9/max lateness, the
 * events that arrived early (must be 0) and those lost; the exit status is 1 when any arrived early or was lost.
 */
final class DelayedDeliveryBench {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long WARMUP_MILLIS = 5_000;

    private final String transport;
    private final BenchOptions options;
    private final Recorder lateness = new Recorder(TimeUnit.HOURS.toMicros(1), 3);
    private final BitSet processed = new BitSet();
    private final AtomicLong processedCount = new AtomicLong();
    private final AtomicLong early = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    DelayedDeliveryBench(String transport, BenchOptions options) {
        this.transport = transport;
        this.options = options;
    }

    /** Runs it; returns whether every event arrived, none early. */
    boolean run(PrintStream out) throws Exception {
        String topic = "delayed-bench-" + transport + "-" + UUID.randomUUID().toString().substring(0, 8);
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(Soak.properties(transport));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=delayed&concurrency=4").routeId("delayed-consumer").process(e -> {
                    long now = System.currentTimeMillis();
                    Envelope event = e.getIn().getBody(Envelope.class);
                    int seq = event.getData().get("seq").asInt();
                    long late = now - event.getData().get("due_ms").asLong();
                    synchronized (processed) {
                        if (processed.get(seq)) {
                            duplicates.incrementAndGet();
                            return;
                        }
                        processed.set(seq);
                    }
                    processedCount.incrementAndGet();
                    if (late < 0) {
                        early.incrementAndGet();
                    } else if (!event.getData().get("warmup").asBoolean()) {
                        lateness.recordValue(Math.min(TimeUnit.MILLISECONDS.toMicros(late),
                                TimeUnit.HOURS.toMicros(1)));
                    }
                });
            }
        });
        context.start();
        long durationMillis = options.events() * 1000L / options.rate();
        out.printf(Locale.ROOT, "delayed delivery over %s: %d events/s for %d s, each due %d ms after its publish, "
                + "%d cores%n", transport, options.rate(), durationMillis / 1000, options.delayMillis(),
                Runtime.getRuntime().availableProcessors());
        String filler = "x".repeat(options.payloadBytes());
        int seq = 0;
        long warmupEvents = options.rate() * WARMUP_MILLIS / 1000;
        try (AsyncSender sender = new AsyncSender(context, "bus:" + topic, 1000)) {
            long start = System.currentTimeMillis();
            long end = start + WARMUP_MILLIS + durationMillis;
            while (System.currentTimeMillis() < end) {
                long now = System.currentTimeMillis();
                long due = (now - start) * options.rate() / 1000;
                while (seq < due) {
                    long dueMillis = System.currentTimeMillis() + options.delayMillis();
                    ObjectNode data = MAPPER.createObjectNode().put("seq", seq).put("due_ms", dueMillis)
                            .put("warmup", seq < warmupEvents).put("filler", filler);
                    sender.send(Envelope.create("delayed_bench_event", "bench-delayed", data),
                            Map.of(BusConstants.DELIVER_AT, dueMillis), () -> { });
                    seq++;
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
            sender.awaitConfirmed();
            long drainUntil = System.currentTimeMillis() + options.delayMillis() + TimeUnit.MINUTES.toMillis(1);
            while (processedCount.get() < seq && System.currentTimeMillis() < drainUntil) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } finally {
            context.stop();
        }
        Histogram late = lateness.getIntervalHistogram();
        long lost = seq - processedCount.get();
        out.printf(Locale.ROOT, "published %d, processed %d, lost %d, processed again %d, early %d%n", seq,
                processedCount.get(), lost, duplicates.get(), early.get());
        out.printf(Locale.ROOT, "lateness after the due time (%d events after the warm-up): p50 %.1f ms, p99 %.1f ms, "
                + "p99.9 %.1f ms, max %.1f ms%n", late.getTotalCount(), late.getValueAtPercentile(50) / 1000.0,
                late.getValueAtPercentile(99) / 1000.0, late.getValueAtPercentile(99.9) / 1000.0,
                late.getMaxValue() / 1000.0);
        return lost == 0 && early.get() == 0;
    }
}
