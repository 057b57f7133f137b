package io.eventbus.transport.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single KRaft broker in its own JVM, killed with SIGKILL and started again twice while 10,000 keyed events flow
 * (at a third and at half of them): publishes that fail while it is down are retried by the publisher until
 * confirmed, and every confirmed event is processed, per key in order of its first delivery.
 */
class KafkaClusterOfOneRestartIT {

    @TempDir
    Path dir;

    @Test
    void aBrokerRestartedTwiceMidStreamLosesNothing() throws Exception {
        try (KafkaCluster cluster = new KafkaCluster(dir, 1).start()) {
            Map<String, String> props = new HashMap<>();
            props.put("eventbus.transport", "kafka");
            props.put("eventbus.kafka.bootstrap-servers", cluster.bootstrapServers());
            props.put("eventbus.kafka.partitions", "4");
            props.put("eventbus.kafka.consumer.session.timeout.ms", "6000");
            props.put("eventbus.kafka.consumer.heartbeat.interval.ms", "1000");
            try (KeyedEventStream stream = new KeyedEventStream(props, "restarts", 100, 100)) {
                stream.consume("g", 2);
                CompletableFuture<String> faults = CompletableFuture.supplyAsync(() -> {
                    StringBuilder what = new StringBuilder();
                    try {
                        for (int at : new int[] {stream.total() / 3, stream.total() / 2}) {
                            stream.awaitConfirmed(at);
                            cluster.kill(1);
                            what.append("killed at ").append(stream.confirmedCount());
                            Thread.sleep(2_000);
                            cluster.restart(1);
                            cluster.awaitBrokers(1);
                            what.append(", back at ").append(stream.confirmedCount()).append("; ");
                        }
                        return what.toString();
                    } catch (Exception e) {
                        throw new IllegalStateException(what + "then failed", e);
                    }
                });
                long start = System.nanoTime();
                stream.publish(2);
                String restarts = faults.get(2, TimeUnit.MINUTES);
                stream.awaitProcessed(Duration.ofSeconds(90));
                System.out.printf("KafkaClusterOfOneRestartIT: %s%s; %.1f s%n", restarts, stream.summary(),
                        (System.nanoTime() - start) / 1e9);
                stream.assertNoneLostAndOrderPerKey();
            }
        }
    }
}
