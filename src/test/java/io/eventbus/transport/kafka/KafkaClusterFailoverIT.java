package io.eventbus.transport.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three KRaft brokers (each a combined broker and controller, each its own JVM), a topic with replication 3 and
 * {@code min.insync.replicas} 2: the active controller — which also leads about a third of the partitions — is
 * killed with SIGKILL a third of the way through 20,000 keyed events, and started again eight seconds later (the survivors carry on meanwhile). Every
 * confirmed publish is processed, and per key the first deliveries come in the order they were published.
 */
class KafkaClusterFailoverIT {

    /** Long enough for the survivors to elect a controller, fence the dead broker and move its leaders. */
    private static final int DOWN_SECONDS = 8;

    @TempDir
    Path dir;

    @Test
    void aKilledBrokerLosesNoConfirmedEventAndKeepsOrderPerKey() throws Exception {
        try (KafkaCluster cluster = new KafkaCluster(dir, 3).start()) {
            Map<String, String> props = new HashMap<>();
            props.put("eventbus.transport", "kafka");
            props.put("eventbus.kafka.bootstrap-servers", cluster.bootstrapServers());
            props.put("eventbus.kafka.partitions", "6");
            props.put("eventbus.kafka.replication-factor", "3");
            props.put("eventbus.kafka.consumer.session.timeout.ms", "6000");
            props.put("eventbus.kafka.consumer.heartbeat.interval.ms", "1000");
            String topic = "failover";
            try (KeyedEventStream stream = new KeyedEventStream(props, topic, 200, 100)) {
                stream.consume("g", 3);
                assertEquals("replicas [3], min.insync.replicas 2", cluster.replication(topic));
                CompletableFuture<String> fault = CompletableFuture.supplyAsync(() -> {
                    try {
                        stream.awaitConfirmed(stream.total() / 3);
                        int victim = cluster.activeController();
                        Map<Integer, Integer> leaders = cluster.leaders(topic);
                        cluster.kill(victim);
                        long killed = System.nanoTime();
                        int atKill = stream.confirmedCount();
                        String what = "killed node " + victim + " (active controller; leader of partitions "
                                + leaders.entrySet().stream().filter(e -> e.getValue() == victim)
                                        .map(Map.Entry::getKey).toList()
                                + ") at " + atKill + " confirmed";
                        long resumed = -1;
                        while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(DOWN_SECONDS)) {
                            if (resumed < 0 && stream.confirmedCount() > atKill + 200) {
                                resumed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                            }
                            Thread.sleep(20);
                        }
                        cluster.restart(victim);
                        return what + ", publishes confirmed again " + resumed + " ms later on the two survivors,"
                                + " restarted it after " + DOWN_SECONDS + " s at " + stream.confirmedCount();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                long start = System.nanoTime();
                stream.publish(4);
                String faults = fault.get(2, TimeUnit.MINUTES);
                stream.awaitProcessed(Duration.ofSeconds(90));
                // the restarted broker is back in the cluster and has caught up on every partition
                cluster.awaitBrokers(3);
                cluster.awaitFullIsr(topic, Duration.ofSeconds(60));
                System.out.printf("KafkaClusterFailoverIT: %s; %s; %.1f s%n", faults, stream.summary(),
                        (System.nanoTime() - start) / 1e9);
                stream.assertNoneLostAndOrderPerKey();
            }
        }
    }
}
