package io.eventbus.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

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

import io.eventbus.envelope.Envelope;

/**
 * The raw row of {@code bench/run redis --rate}: an application on Lettuce alone, as the full-speed benchmark's raw
 * side ({@link RedisBenchmark}) is. Publishers pipeline {@code XADD MAXLEN ~} on one connection (the envelope's JSON
 * and its type and id as fields) with up to {@value #MAX_IN_FLIGHT} awaiting Redis's reply; one consumer thread reads
 * {@code XREADGROUP COUNT 100}, parses each entry's JSON and acknowledges the batch with one {@code XACK} after
 * processing it: at-least-once.
 */
final class LettucePipeline implements EventPipeline {

    static final int MAX_IN_FLIGHT = 1000;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String uri;
    private final int retention;
    private final Semaphore window = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean consuming = true;
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> publisher;
    private Thread consumer;
    private String stream;
    private XAddArgs trim;

    /** @param retention the stream's {@code MAXLEN ~}: above the events of a run, so that nothing unread is trimmed */
    LettucePipeline(String uri, int retention) {
        this.uri = uri;
        this.retention = retention;
    }

    @Override
    public String key() {
        return RedisBenchmark.LETTUCE;
    }

    @Override
    public String label() {
        return "raw Lettuce app, Jackson, XACK per batch";
    }

    @Override
    public int publishers() {
        return 1;
    }

    @Override
    public void start(String topic, IntConsumer processed) throws Exception {
        stream = topic;
        trim = new XAddArgs().maxlen(retention).approximateTrimming();
        // as the transport configures Lettuce: no per-command latency recording, which nobody reads
        resources = DefaultClientResources.builder().commandLatencyRecorder(CommandLatencyRecorder.disabled()).build();
        client = RedisClient.create(resources, uri);
        publisher = client.connect(CODEC);
        publisher.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g",
                XGroupCreateArgs.Builder.mkstream());
        StatefulRedisConnection<String, byte[]> reader = client.connect(CODEC);
        consumer = new Thread(() -> {
            Consumer<String> me = Consumer.from("g", "raw");
            try (reader) {
                while (consuming) {
                    List<StreamMessage<String, byte[]>> batch = reader.sync().xreadgroup(me,
                            XReadArgs.Builder.count(100).block(100), XReadArgs.StreamOffset.lastConsumed(stream));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    String[] ids = new String[batch.size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = batch.get(i).getId();
                        processed.accept(EnvelopeJson.seqOf(batch.get(i).getBody().get("envelope")));
                    }
                    reader.async().xack(stream, "g", ids);
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }, "lettuce-consumer");
        consumer.start();
    }

    @Override
    public void publish(int seq, Envelope event, Runnable confirmed) throws InterruptedException {
        window.acquire();
        Map<String, byte[]> fields = new LinkedHashMap<>(4);
        fields.put("envelope", EnvelopeJson.write(event));
        fields.put("event_type", event.getEventType().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        fields.put("event_id", event.getEventId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        publisher.async().xadd(stream, trim, fields).whenComplete((id, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                confirmed.run();
            }
            window.release();
        });
    }

    @Override
    public void awaitConfirmed() throws Exception {
        if (!window.tryAcquire(MAX_IN_FLIGHT, 10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("XADDs still unanswered after 10 minutes");
        }
        window.release(MAX_IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("raw Lettuce failed", failure.get());
        }
    }

    @Override
    public void close() throws Exception {
        consuming = false;
        try {
            if (consumer != null) {
                consumer.join(TimeUnit.SECONDS.toMillis(10));
            }
            if (publisher != null) {
                publisher.sync().del(stream);
                publisher.close();
            }
        } finally {
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            if (resources != null) {
                resources.shutdown();
            }
        }
    }
}
