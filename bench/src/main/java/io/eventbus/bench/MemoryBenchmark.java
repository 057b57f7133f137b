package io.eventbus.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.BusEndpoint;
import io.eventbus.bus.ConsumedEvent;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.MajorVersionPolicy;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.samples.listings.FraudAlert;
import io.eventbus.samples.listings.FraudCheck;
import io.eventbus.samples.listings.ListingFingerprint;
import io.eventbus.samples.listings.ListingHeaders;
import io.eventbus.samples.listings.ListingNormalizer;
import io.eventbus.samples.listings.MarketReference;

/**
 * The listings pipeline on the in-memory transport ({@code routes/listings.camel.yaml}: validation on publish and
 * consume, normalize, dedupe, fraud check, three derived publishes) against a raw baseline doing the same work by
 * hand: an {@link ArrayBlockingQueue} hand-off to the same number of worker threads, the same Jackson decode and
 * encode ({@link EnvelopeCodec}), and the same stage code called directly, with no Camel routing, no validation and
 * no bus. Both get the same events: the sample's valid raw listings, each made a distinct listing so that none is a
 * duplicate. Latency runs from the publish call to the end of the fraud check.
 */
public final class MemoryBenchmark implements Benchmark {

    private static final String TOPIC = "listings.raw";
    private static final int WORKERS = 4; // the route's eventbus.listings.concurrency default
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final String RAW = "raw";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String description() {
        return "listings pipeline through bus: on the memory transport vs an ArrayBlockingQueue hand-off with the same "
                + "Jackson decode/encode and stage code, " + WORKERS + " workers";
    }

    /** The in-memory transport runs in this JVM: its CPU is all there is. */
    private static final CpuClock CPU = CpuClock.jvm("this JVM (the in-memory transport included)");

    @Override
    public CpuClock cpuClock() {
        return CPU;
    }

    @Override
    public List<Peer> peers() {
        return List.of(new Peer(RAW, "the same work by hand", 0.8));
    }

    @Override
    public List<Measurement> run(BenchOptions options) throws Exception {
        List<byte[]> templates = validListings();
        raw(events(templates, options.warmup()));
        bus(events(templates, options.warmup()));
        Measurement raw = raw(events(templates, options.events()));
        Measurement bus = bus(events(templates, options.events()));
        return List.of(raw, bus);
    }

    /** The sample's raw listings that pass validation and normalization, as templates. */
    private static List<byte[]> validListings() throws Exception {
        ListingNormalizer normalizer = new ListingNormalizer(MarketReference.shipped());
        EnvelopeValidator validator = new EnvelopeValidator(CODEC, SchemaRegistry.load("classpath:schemas"),
                new ValidationSettings(ValidationSettings.DEFAULT_MAX_BYTES, MajorVersionPolicy.REJECT, false));
        List<byte[]> valid = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("samples/listings/raw.jsonl"), StandardCharsets.UTF_8)) {
            try {
                Envelope event = validator.read(line.getBytes(StandardCharsets.UTF_8));
                if (ListingNormalizer.RAW_LISTING.equals(event.getEventType())
                        && normalizer.normalize(event).getData().path("is_valid").asBoolean()) {
                    valid.add(line.getBytes(StandardCharsets.UTF_8));
                }
            } catch (Exception notAListing) {
                // the sample's broken lines are for the run, not the benchmark
            }
        }
        return valid;
    }

    /** {@code count} distinct listings: ids {@code bench-<i>}, and an address made unique so nothing is a duplicate. */
    private static List<byte[]> events(List<byte[]> templates, int count) throws Exception {
        List<byte[]> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Envelope event = CODEC.decode(templates.get(i % templates.size()));
            event.setEventId("bench-" + i);
            ObjectNode json = (ObjectNode) event.getData().path("raw_data").path("json");
            json.put("address", json.path("address").asText() + ", кв. " + (i + 1));
            events.add(CODEC.encode(event));
        }
        return events;
    }

    private static int indexOf(String eventId) {
        return Integer.parseInt(eventId.substring("bench-".length()));
    }

    private Measurement raw(List<byte[]> events) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.start();
        MarketReference market = MarketReference.shipped();
        ListingNormalizer normalizer = new ListingNormalizer(market);
        ListingFingerprint fingerprint = new ListingFingerprint();
        MemoryIdempotentRepository seen = new MemoryIdempotentRepository();
        seen.start();
        FraudCheck fraudCheck = new FraudCheck(market, FraudCheck.DEFAULT_THRESHOLD);
        FraudAlert fraudAlert = new FraudAlert();
        BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(10_000);
        long[] published = new long[events.size()];
        LatencyRecorder latencies = new LatencyRecorder(events.size());
        CountDownLatch done = new CountDownLatch(events.size());
        AtomicInteger derivedBytes = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Thread worker = new Thread(() -> {
                try {
                    while (true) {
                        byte[] bytes = queue.take();
                        if (bytes.length == 0) {
                            return;
                        }
                        Envelope event = CODEC.decode(bytes);
                        Exchange exchange = new DefaultExchange(context);
                        exchange.getIn().setBody(event);
                        normalizer.process(exchange);
                        derivedBytes.addAndGet(CODEC.encode(exchange.getIn().getBody(Envelope.class)).length);
                        fingerprint.process(exchange);
                        if (seen.add(exchange.getIn().getHeader(ListingHeaders.FINGERPRINT, String.class))) {
                            fraudCheck.process(exchange);
                            derivedBytes.addAndGet(CODEC.encode(exchange.getIn().getBody(Envelope.class)).length);
                            if (Boolean.TRUE.equals(exchange.getIn().getHeader(ListingHeaders.FRAUD_DETECTED))) {
                                fraudAlert.process(exchange);
                                derivedBytes.addAndGet(CODEC.encode(exchange.getIn().getBody(Envelope.class)).length);
                            }
                        }
                        latencies.record(System.nanoTime() - published[indexOf(event.getEventId())]);
                        done.countDown();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("raw baseline worker failed", e);
                }
            }, "raw-worker-" + w);
            worker.start();
            workers.add(worker);
        }
        long cpu = CPU.now();
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            published[i] = System.nanoTime();
            queue.put(events.get(i));
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("raw baseline: " + done.getCount() + " events never completed");
        }
        long elapsed = System.nanoTime() - start;
        cpu = CPU.now() - cpu;
        for (int w = 0; w < WORKERS; w++) {
            queue.put(new byte[0]);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        context.stop();
        return new Measurement(RAW, "raw: queue + Jackson + stages", events.size(), elapsed, latencies, cpu);
    }

    private Measurement bus(List<byte[]> events) throws Exception {
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.setProperty("eventbus.transport", "memory");
        props.setProperty("eventbus.memory.capacity", "20000");
        props.setProperty("eventbus.listings.concurrency", String.valueOf(WORKERS));
        context.getPropertiesComponent().setInitialProperties(props);
        long[] published = new long[events.size()];
        LatencyRecorder latencies = new LatencyRecorder(events.size());
        CountDownLatch done = new CountDownLatch(events.size());
        AtomicInteger notProcessed = new AtomicInteger();
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof ExchangeCompletedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                Exchange exchange = ((ExchangeCompletedEvent) event).getExchange();
                ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
                if (exchange.getFromEndpoint() instanceof BusEndpoint endpoint && TOPIC.equals(endpoint.getTopic())
                        && consumed != null) {
                    if (exchange.isFailed() || exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE) != null
                            || exchange.getProperty(BusConstants.DEAD_LETTERED) != null) {
                        notProcessed.incrementAndGet();
                    }
                    // the consumed event's id: the route's stages replace the message's headers with the derived
                    // event's
                    latencies.record(System.nanoTime() - published[indexOf(consumed.eventId())]);
                    done.countDown();
                }
            }
        });
        PluginHelper.getRoutesLoader(context).loadRoutes(
                PluginHelper.getResourceLoader(context).resolveResource("file:routes/listings.camel.yaml"));
        context.start();
        ProducerTemplate template = context.createProducerTemplate();
        long cpu = CPU.now();
        long start = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            published[i] = System.nanoTime();
            template.sendBody("bus:" + TOPIC, events.get(i));
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("bus: " + done.getCount() + " events never completed");
        }
        long elapsed = System.nanoTime() - start;
        cpu = CPU.now() - cpu;
        context.stop();
        if (notProcessed.get() > 0) {
            throw new IllegalStateException("bus: " + notProcessed.get() + " events were not processed (failed, "
                    + "duplicate or dead-lettered): the comparison would be unfair");
        }
        return new Measurement(BUS, "bus: on memory, listings route", events.size(), elapsed, latencies, cpu);
    }
}
