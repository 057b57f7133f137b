package io.eventbus.transport.memory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportProducer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An in-memory group nobody consumes any more stops holding its topic: with {@code eventbus.groups.abandon-after}
 * set, a publish drops a group that has had no member for that long, and {@code deleteGroup} drops one on request,
 * never one with a member. Time is a clock the test advances, never waited for.
 */
class MemoryAbandonedGroupTest {

    private static final long ABANDON_AFTER = 60_000;
    private static final int CAPACITY = 5;

    private final AdvancingClock clock = new AdvancingClock();
    private CamelContext context;
    private MemoryTransport transport;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
        // publish timeout 0: a full topic fails the publish at once instead of waiting
        transport = new MemoryTransport(context, CAPACITY, 0, ABANDON_AFTER, clock);
    }

    @AfterEach
    void stop() {
        transport.close();
        context.stop();
    }

    @Test
    void aGroupWithoutMemberForAbandonAfterIsDroppedAtTheNextPublishAndReleasesTheTopic() throws Exception {
        Set<String> billed = ConcurrentHashMap.newKeySet();
        TransportConsumer billing = consumer("orders", "billing", billed);
        billing.start();
        TransportConsumer archive = consumer("orders", "archive", ConcurrentHashMap.newKeySet());
        archive.start();
        archive.stop(); // the archive service is gone for good: its group stays, holding every event from now on

        TransportProducer producer = transport.bindProducer("orders");
        Set<String> published = new LinkedHashSet<>();
        for (int i = 0; i < CAPACITY; i++) {
            published.add(publish(producer, "e" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> billed.size() == CAPACITY);
        assertTrue(assertThrows(MemoryTopicFullException.class, () -> publish(producer, "held"))
                .getMessage().contains("'archive'"));

        clock.advance(ABANDON_AFTER - 1);
        assertThrows(MemoryTopicFullException.class, () -> publish(producer, "still-held"));
        assertEquals(Set.of("archive", "billing"), groupNames(transport.stats("orders", Set.of())));

        clock.advance(1);
        published.add(publish(producer, "e5"));
        assertEquals(Set.of("billing"), groupNames(transport.stats("orders", Set.of())));
        await().atMost(Duration.ofSeconds(10)).until(() -> billed.size() == CAPACITY + 1);
        assertEquals(published, billed);
        billing.stop();
    }

    @Test
    void aGroupWithAMemberIsNeverDroppedAndItsIdleTimeStartsWhenTheLastMemberStops() throws Exception {
        TransportConsumer member = consumer("orders", "billing", ConcurrentHashMap.newKeySet());
        member.start();
        clock.advance(10 * ABANDON_AFTER);
        publish(transport.bindProducer("orders"), "e0");
        assertEquals(0L, group(transport.stats("orders", Set.of()), "billing").idleMillis());
        GroupInUseException refused = assertThrows(GroupInUseException.class,
                () -> transport.deleteGroup("orders", "billing"));
        assertTrue(refused.getMessage().contains("'billing'") && refused.getMessage().contains("'orders'"),
                refused.getMessage());

        member.stop();
        clock.advance(1234);
        assertEquals(1234L, group(transport.stats("orders", Set.of()), "billing").idleMillis());
        assertTrue(transport.deleteGroup("orders", "billing"));
        assertFalse(transport.deleteGroup("orders", "billing"));
        assertFalse(transport.deleteGroup("never-used", "billing"));
        assertEquals(Set.of(), groupNames(transport.stats("orders", Set.of())));
    }

    @Test
    void aMemberStartedAgainAfterItsGroupWasDroppedRecreatesTheGroupAndReceivesNewEvents() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        TransportConsumer member = consumer("orders", "billing", received);
        member.start();
        member.stop();
        assertTrue(transport.deleteGroup("orders", "billing"));

        member.start();
        String id = publish(transport.bindProducer("orders"), "after");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertEquals(Set.of(id), received);
        member.stop();
    }

    private TransportConsumer consumer(String topic, String group, Set<String> received) {
        return transport.bindConsumer(topic, new ConsumerBinding(group, group + "-1", 1, 0, StartPosition.LATEST),
                delivery -> {
                    received.add(new String(delivery.body(), StandardCharsets.UTF_8));
                    delivery.ack();
                });
    }

    private static String publish(TransportProducer producer, String id) throws Exception {
        producer.publish(new OutboundMessage(null, id.getBytes(StandardCharsets.UTF_8), Map.of()));
        return id;
    }

    private static Set<String> groupNames(TopicStats stats) {
        Set<String> names = new LinkedHashSet<>();
        stats.groups().forEach(g -> names.add(g.group()));
        return names;
    }

    private static TopicStats.GroupStats group(TopicStats stats, String name) {
        List<TopicStats.GroupStats> found = stats.groups().stream().filter(g -> g.group().equals(name)).toList();
        assertEquals(1, found.size(), stats.toString());
        return found.get(0);
    }

    /** A clock that stands still until the test moves it. */
    private static final class AdvancingClock extends Clock {
        private volatile long millis = 1_000_000;

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
