package io.eventbus.transport.memory;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;

import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;

/**
 * The embedded default transport: topics, consumer groups, pending lists and redelivery inside one JVM, with
 * the whole transport contract (groups, acknowledgement after the exchange completes, redelivery, bounded
 * capacity with back-pressure, ordering with a single consumer).
 * <p>
 * <strong>Not persistent</strong>: events live in memory and are lost when the process stops, and only routes
 * of the same {@code CamelContext} see them. Use it for development, tests and single-process pipelines; use
 * Redis Streams, RabbitMQ or Kafka when events must survive a restart or cross processes.
 * <p>
 * Request-reply: a request is an ordinary message of the topic whose {@code reply_to} header names a waiting
 * caller of this transport; the reply completes that caller's future and is never stored.
 * <p>
 * Delayed delivery: a message with a due time ({@link DeliverAt}) waits in {@link MemoryDelayedMessages} and is
 * appended to its topic when due; gone, like everything else here, when the process stops.
 * <p>
 * Groups: {@link #deleteGroup} drops a group without members; with {@code eventbus.groups.abandon-after} set, a
 * publish to a topic drops its groups that have had no member for that long (see {@link MemoryTopic}).
 */
public final class MemoryTransport implements Transport, RequestReplyTransport {

    public static final String NAME = "memory";

    private final CamelContext context;
    private final int capacity;
    private final long publishTimeoutMillis;
    private final long abandonAfterMillis;
    private final Clock clock;
    private final Map<String, MemoryTopic> topics = new ConcurrentHashMap<>();
    private final List<MemoryGroupMember> consumers = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<byte[]>> awaitingReply = new ConcurrentHashMap<>();
    private final MemoryDelayedMessages delayed = new MemoryDelayedMessages();

    /**
     * @param capacity             the most events one topic retains ({@code eventbus.memory.capacity})
     * @param publishTimeoutMillis how long a publish to a full topic waits ({@code eventbus.memory.publish-timeout})
     */
    public MemoryTransport(CamelContext context, int capacity, long publishTimeoutMillis) {
        this(context, capacity, publishTimeoutMillis, 0, Clock.systemUTC());
    }

    /**
     * @param abandonAfterMillis how long a group may have no member before a publish to its topic drops it
     *                           ({@code eventbus.groups.abandon-after}); 0: never
     * @param clock              measures that time
     */
    public MemoryTransport(CamelContext context, int capacity, long publishTimeoutMillis, long abandonAfterMillis,
            Clock clock) {
        this.context = context;
        this.capacity = capacity;
        this.publishTimeoutMillis = publishTimeoutMillis;
        this.abandonAfterMillis = abandonAfterMillis;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransportProducer bindProducer(String topic) {
        MemoryTopic target = topic(topic);
        return message -> {
            if (DeliverAt.remainingMillis(message, System.currentTimeMillis()) > 0) {
                delayed.schedule(target, message);
            } else {
                target.append(message, publishTimeoutMillis);
            }
        };
    }

    @Override
    public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
        MemoryGroupMember consumer = new MemoryGroupMember(context, topic(topic), binding, handler, consumers::remove);
        consumers.add(consumer);
        return consumer;
    }

    @Override
    public byte[] request(String topic, OutboundMessage request, long timeoutMillis) throws Exception {
        String replyTo = "memory-reply:" + UUID.randomUUID();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        awaitingReply.put(replyTo, reply);
        try {
            topic(topic).append(request.withHeader(REPLY_TO, replyTo), publishTimeoutMillis);
            return reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } finally {
            awaitingReply.remove(replyTo);
        }
    }

    @Override
    public void reply(Map<String, String> requestHeaders, OutboundMessage reply) {
        CompletableFuture<byte[]> waiting = awaitingReply.get(requestHeaders.get(REPLY_TO));
        if (waiting != null) {
            waiting.complete(reply.body());
        }
    }

    /** Always connected; the latency is that of reading every topic's size under its lock. */
    @Override
    public TransportHealth health() {
        long start = System.nanoTime();
        long retained = 0;
        for (MemoryTopic topic : topics.values()) {
            retained += topic.size();
        }
        double latencyMillis = (System.nanoTime() - start) / 1e6;
        return new TransportHealth(true, latencyMillis, null, Map.of("topics", topics.size(), "retained", retained));
    }

    /** A topic never used reports length 0 and no group; nothing is created. */
    @Override
    public TopicStats stats(String topic, Set<String> groups) {
        MemoryTopic t = topics.get(topic);
        if (t == null) {
            return new TopicStats(topic, 0L, List.of(), Map.of("capacity", capacity));
        }
        Map<String, Integer> members = new HashMap<>();
        for (MemoryGroupMember consumer : consumers) {
            if (consumer.topicName().equals(topic)) {
                members.merge(consumer.groupName(), 1, Integer::sum);
            }
        }
        return t.stats(groups, members);
    }

    /** Refuses while a member of the group is started; a topic never used has no group. */
    @Override
    public boolean deleteGroup(String topic, String group) {
        MemoryTopic t = topics.get(topic);
        return t != null && t.deleteGroup(group);
    }

    @Override
    public Optional<DeadLetterStore> deadLetterStore() {
        return Optional.of(new MemoryDeadLetterStore(topics::get));
    }

    /** Events retained by the topic, 0 for a topic never used. */
    public int size(String topic) {
        MemoryTopic t = topics.get(topic);
        return t == null ? 0 : t.size();
    }

    @Override
    public void close() {
        delayed.close();
        consumers.forEach(MemoryGroupMember::kill);
        consumers.clear();
        topics.clear();
    }

    private MemoryTopic topic(String name) {
        return topics.computeIfAbsent(name, n -> new MemoryTopic(n, capacity, clock, abandonAfterMillis));
    }
}
