package io.eventbus.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hot reload under load on the Redis transport: the route file is rewritten every second while 30,000 events are
 * published and consumed. Every published event is processed (or dead-lettered), none is missing and none unknown;
 * an event processed again after a reload (its route stopped between processing and acknowledging it) is a
 * duplicate, counted and printed, which at-least-once delivery allows.
 * <p>
 * Retention is the default one with a target of 1,000 entries ({@code eventbus.redis.max-len}), far below the
 * backlog the consumer builds while its route is reloaded: the entries it has not acknowledged — including those a
 * stopped member gave back for the next one to claim — must outlive the trimming that runs all the while. With the
 * trimming Redis's own {@code MAXLEN} does, this run lost events.
 */
class RouteReloadUnderRedisLoadIT {

    private static final int EVENTS = 30_000;
    private static final String TOPIC = "reload.load";
    /** Deliveries per event id, over every version of the route. */
    static final Map<String, AtomicInteger> DELIVERIES = new ConcurrentHashMap<>();
    static final AtomicLong PROCESSED = new AtomicLong();

    @TempDir
    Path dir;

    private final String prefix = "reload-load-it-" + UUID.randomUUID() + ":";
    private CamelContext context;

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Test
    void everyEventIsProcessedWhileTheRouteFileIsRewrittenEverySecond() throws Exception {
        DELIVERIES.clear();
        PROCESSED.set(0);
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Path file = routes.resolve("consumer.camel.yaml");
        Files.writeString(file, route(0));
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.setProperty("eventbus.transport", "redis");
        props.setProperty("eventbus.redis.uri", RedisService.URI);
        props.setProperty("eventbus.redis.stream-prefix", prefix);
        props.setProperty("eventbus.redis.max-len", "1000");
        context.getPropertiesComponent().setInitialProperties(props);
        context.getRegistry().bind("recorder", new Recorder());
        ReloadStatus status = new ReloadStatus();
        RouteReloader reloader = new RouteReloader(context, routes, status, new SubscriberSwitches(Set.of()));
        reloader.loadAll();
        HotReload reload = new HotReload(context, reloader, null, null, 100);
        context.addService(reload, true, false);
        context.addLifecycleStrategy(reload.stopFirst());
        context.start();

        Rewriter rewriter = new Rewriter(file);
        rewriter.start();
        Set<String> published = new HashSet<>();
        try {
            ProducerTemplate template = context.createProducerTemplate();
            for (int i = 0; i < EVENTS; i++) {
                Envelope event = Envelope.create("reload_load_event", "reload-it",
                        JsonNodeFactory.instance.objectNode().put("n", i));
                template.sendBody("bus:" + TOPIC, event);
                published.add(event.getEventId());
            }
            try {
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                        .until(() -> DELIVERIES.keySet().containsAll(published) || !rewriter.isAlive());
            } catch (ConditionTimeoutException e) {
                // the assertions below name what is missing
            }
        } finally {
            rewriter.finish();
        }
        Set<String> deadLettered = deadLetteredIds();

        Set<String> seen = new HashSet<>(DELIVERIES.keySet());
        seen.addAll(deadLettered);
        Set<String> missing = new TreeSet<>(published);
        missing.removeAll(seen);
        Set<String> unknown = new TreeSet<>(seen);
        unknown.removeAll(published);
        long duplicates = PROCESSED.get() - DELIVERIES.size();
        System.out.printf("%s: %d published, %d processed (%d distinct, %d duplicates), %d dead-lettered, "
                + "%d route file rewrites, %d reloads, %d refused%n", getClass().getSimpleName(), published.size(),
                PROCESSED.get(), DELIVERIES.size(), duplicates, deadLettered.size(), rewriter.rewrites(),
                status.reloads(), status.failures());

        assertEquals(EVENTS, published.size());
        assertEquals(List.of(), first(missing), missing.size() + " published events were never processed");
        assertEquals(List.of(), first(unknown), unknown.size() + " processed events were never published");
        assertEquals(published.size(), DELIVERIES.size() + deadLettered.size(),
                "published = processed + dead-lettered");
        assertEquals(0, status.failures(), String.valueOf(status.lastError()));
        assertTrue(status.reloads() > 1, "the route was replaced while events flowed: " + status.reloads());
    }

    @AfterEach
    void stopAndDeleteStreams() {
        if (context != null) {
            context.stop();
        }
        RedisClient client = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> keys = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
                if (!keys.getKeys().isEmpty()) {
                    redis.del(keys.getKeys().toArray(String[]::new));
                }
                cursor = keys;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown();
        }
    }

    private Set<String> deadLetteredIds() {
        Set<String> ids = new HashSet<>();
        RedisClient client = RedisService.client(RedisService.URI);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            for (StreamMessage<String, String> entry : connection.sync().xrange(prefix + TOPIC + ".dlq",
                    Range.create("-", "+"))) {
                ids.add(entry.getBody().get("event_id"));
            }
        } finally {
            client.shutdown();
        }
        return ids;
    }

    private static List<String> first(Set<String> ids) {
        return new ArrayList<>(ids).subList(0, Math.min(10, ids.size()));
    }

    /** The consumer's route file, in one of two versions that differ by the header they set. */
    private static String route(int version) {
        return """
                # consumes the load; rewritten every second by the test
                - route:
                    id: load-consumer
                    from:
                      uri: bus:%s
                      parameters:
                        group: reload-load
                      steps:
                        - setHeader: {name: version, constant: "v%d"}
                        - bean: {ref: recorder, method: record}
                """.formatted(TOPIC, version % 2);
    }

    /** Replaces the route file with the other version every second, by rename, as an editor or a config map does. */
    private static final class Rewriter extends Thread {
        private final Path file;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger rewrites = new AtomicInteger();
        private volatile Exception failure;

        Rewriter(Path file) {
            super("route-file-rewriter");
            this.file = file;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                for (int version = 1; running.get(); version++) {
                    TimeUnit.SECONDS.sleep(1);
                    Path next = file.resolveSibling(file.getFileName() + ".next");
                    Files.writeString(next, route(version));
                    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    rewrites.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure = e;
            }
        }

        int rewrites() {
            return rewrites.get();
        }

        void finish() throws Exception {
            running.set(false);
            interrupt();
            join();
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** The bean the route calls: counts each delivery of each event id. */
    public static final class Recorder {
        public void record(Exchange exchange) {
            String id = exchange.getIn().getBody(Envelope.class).getEventId();
            DELIVERIES.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            PROCESSED.incrementAndGet();
        }
    }
}
