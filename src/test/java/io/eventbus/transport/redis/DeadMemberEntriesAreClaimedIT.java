package io.eventbus.transport.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.stream.PendingMessages;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.eventbus.transport.redis.component.RedisStreamsConstants;

/**
 * A member that read a batch and died without acknowledging it (its JVM killed with SIGKILL): another member of the
 * group processes those entries once they were idle for claimMinIdle, and nothing is lost.
 */
class DeadMemberEntriesAreClaimedIT {

    @BeforeAll
    static void redisIsRunning() {
        RedisService.requireRunning();
    }

    @Test
    void entriesOfAKilledMemberAreProcessedByAnotherAfterClaimMinIdle() throws Exception {
        String stream = "dead-member-it-" + UUID.randomUUID();
        RedisClient raw = RedisService.client(RedisService.URI);
        Set<String> published = new LinkedHashSet<>();
        Set<String> doneByChild = ConcurrentHashMap.newKeySet();
        Map<String, Integer> survivorCounts = new ConcurrentHashMap<>();
        Process child = null;
        CamelContext survivor = null;
        try (StatefulRedisConnection<String, String> redis = raw.connect()) {
            for (int i = 0; i < 200; i++) {
                published.add(redis.sync().xadd(stream, "envelope", "entry " + i));
            }
            child = new ProcessBuilder(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                    ChildStreamConsumer.class.getName(), stream, "g", "doomed")).redirectErrorStream(false).start();
            Process running = child;
            Thread reader = new Thread(() -> readDone(running, doneByChild));
            reader.setDaemon(true);
            reader.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> doneByChild.size() >= 5);
            child.destroyForcibly().waitFor();

            PendingMessages pending = redis.sync().xpending(stream, "g");
            long heldByTheDead = pending.getConsumerMessageCount().getOrDefault("doomed", 0L);
            assertTrue(heldByTheDead > 0, "the killed member held unacknowledged entries: " + pending);

            survivor = new DefaultCamelContext();
            survivor.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("redis-streams:" + stream + "?group=g&consumer=survivor&claimMinIdle=2000&claimInterval=500")
                            .routeId("survivor")
                            .process(e -> survivorCounts.put(e.getIn().getHeader(RedisStreamsConstants.ENTRY_ID,
                                    String.class), e.getIn().getHeader(RedisStreamsConstants.DELIVERY_COUNT,
                                            Integer.class)));
                }
            });
            survivor.start();

            Set<String> union = ConcurrentHashMap.newKeySet();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                union.clear();
                union.addAll(doneByChild);
                union.addAll(survivorCounts.keySet());
                Set<String> missing = new TreeSet<>(published);
                missing.removeAll(union);
                assertTrue(missing.isEmpty(), "not processed by either member: " + missing);
            });
            long claimed = survivorCounts.values().stream().filter(count -> count >= 2).count();
            assertTrue(claimed >= heldByTheDead - doneByChild.size() - 1 && claimed > 0,
                    "the survivor took over the dead member's entries (delivery count 2): " + claimed + " of "
                            + heldByTheDead + " held");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> redis.sync().xpending(stream, "g").getCount() == 0);
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            if (survivor != null) {
                survivor.stop();
            }
            raw.shutdown();
        }
    }

    private static void readDone(Process child, Set<String> done) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("DONE ")) {
                    done.add(line.substring(5).trim());
                }
            }
        } catch (Exception ignored) {
            // the child was killed
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
