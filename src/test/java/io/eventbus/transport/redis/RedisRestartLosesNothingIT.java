package io.eventbus.transport.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.envelope.Envelope;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A private redis-server with append-only persistence, killed (SIGKILL) and restarted mid-stream under a running
 * bus: consumer: every event whose publish returned is processed, none lost.
 */
class RedisRestartLosesNothingIT {

    @TempDir
    Path dataDir;

    @Test
    void everyEventIsProcessedAcrossAServerRestart() throws Exception {
        try (RedisService.PrivateServer server = new RedisService.PrivateServer(Files.createDirectories(dataDir))) {
            server.start();
            CamelContext context = BusOverRedisSupport.context(server.uri(), "eventbus.redis.claim-min-idle", "3000",
                    "eventbus.redis.block", "500");
            Set<String> processed = ConcurrentHashMap.newKeySet();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:restart?group=g&redeliveryDelay=100").routeId("slow").autoStartup(false).process(e -> {
                        processed.add(e.getIn().getBody(Envelope.class).getEventId());
                        Thread.sleep(5);
                    });
                }
            });
            context.start();
            try {
                ProducerTemplate template = context.createProducerTemplate();
                Set<String> published = new LinkedHashSet<>();
                for (int i = 0; i < 500; i++) {
                    Envelope event = BusOverRedisSupport.event(i);
                    template.sendBody("bus:restart", event);
                    published.add(event.getEventId());
                }
                context.getRouteController().startRoute("slow");
                await().atMost(Duration.ofSeconds(60)).until(() -> processed.size() >= 100);
                assertTrue(processed.size() < 500, "the restart should happen mid-stream");

                server.kill();
                server.start();

                for (int i = 500; i < 800; i++) {
                    Envelope event = BusOverRedisSupport.event(i);
                    publishUntilAccepted(template, event);
                    published.add(event.getEventId());
                }
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertEquals(new TreeSet<>(published), new TreeSet<>(processed), "processed after restart"));
            } finally {
                context.stop();
            }
        }
    }

    /** At-least-once publishing: a publish that failed while Redis came back is retried. */
    private static void publishUntilAccepted(ProducerTemplate template, Envelope event) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                template.sendBody("bus:restart", event);
                return;
            } catch (RuntimeException e) {
                if (attempt > 100) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
