package io.eventbus.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;

import io.eventbus.transport.ConfirmationExecutor;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;
import io.eventbus.transport.redis.streams.AbandonedStreamGroups;
import io.eventbus.transport.redis.streams.GroupNeed;
import io.eventbus.transport.redis.streams.RedisStreamsClient;
import io.eventbus.transport.redis.streams.RedisStreamsConfiguration;
import io.eventbus.transport.redis.streams.StreamGroupInfo;
import io.eventbus.transport.redis.streams.StreamGroupMember;
import io.eventbus.transport.redis.streams.StreamPublisher;

/**
 * The {@code redis} transport behind {@code bus:}: topic {@code t} is the stream {@code <streamPrefix>t} (on a Redis
 * Cluster {@code {<streamPrefix>t}}, see {@link #streamName}), a consumer group is a Redis consumer group. It runs on the {@code redis-streams:} component's machinery — one
 * {@link RedisStreamsClient}, a {@link StreamPublisher} for {@code XADD} with retention and a
 * {@link StreamGroupMember} per member — so both give the same semantics (at-least-once, redelivery, claims of dead
 * members' entries, {@code NOGROUP} recovery).
 * <p>
 * Wire format: an entry has the field {@code envelope} (the envelope JSON) plus {@code event_type} and
 * {@code event_id} copies; {@code XADD <stream> * envelope '<json>'} from any client is a valid publish.
 * <p>
 * Request-reply: a request is an entry of the topic's stream with {@code reply_to} and {@code correlation_id} fields;
 * the reply goes to a stream of the requesting instance's own ({@link RedisReplies}).
 * Delayed delivery: a message not due yet waits in the sorted set {@code <stream>:delayed} and is appended when due
 * ({@link RedisDelayedEntries}); its entry then carries the {@code deliver_at} field.
 */
public final class RedisTransport implements Transport, RequestReplyTransport {

    public static final String NAME = "redis";
    private static final long PROBE_TIMEOUT = 2000;
    /** Message headers an entry carries as fields of their own beside {@code envelope}. */
    private static final String[] MIRRORED = { "event_type", "event_id", "traceparent", REPLY_TO, CORRELATION_ID,
            "routing_key", DeliverAt.HEADER };

    private final CamelContext context;
    private final RedisStreamsConfiguration configuration;
    private final String streamPrefix;
    private final RedisStreamsClient client;
    private final StreamPublisher publisher;
    private final Map<String, TransportProducer> producers = new ConcurrentHashMap<>();
    private final List<StreamGroupMember> readers = new CopyOnWriteArrayList<>();
    /** Where publish confirmations complete, off Lettuce's event loops (see {@code publishAsync}). */
    private final ConfirmationExecutor confirmations;
    private final AbandonedStreamGroups abandonedGroups;
    private final RedisReplies replies;
    private final RedisDelayedEntries delayed;

    /**
     * @param configuration connection, retention and consumer defaults ({@code eventbus.redis.*})
     * @param streamPrefix  prepended to every topic to name its stream (empty: the topic is the stream)
     */
    public RedisTransport(CamelContext context, RedisStreamsConfiguration configuration, String streamPrefix) {
        configuration.validate();
        this.context = context;
        this.configuration = configuration;
        this.streamPrefix = streamPrefix == null ? "" : streamPrefix;
        this.client = RedisStreamsClient.connect(configuration);
        this.publisher = new StreamPublisher(client, configuration);
        this.confirmations = new ConfirmationExecutor(context, this, "bus-redis-confirmed");
        this.abandonedGroups = new AbandonedStreamGroups(client, configuration.getClaimMinIdle(), PROBE_TIMEOUT);
        this.replies = new RedisReplies(client, this.streamPrefix);
        this.delayed = new RedisDelayedEntries(client);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The stream that carries the topic; see {@link #streamName}. */
    public String streamOf(String topic) {
        return streamName(streamPrefix, topic, configuration.isCluster());
    }

    /**
     * The stream of a topic: {@code <prefix><topic>}; on a Redis Cluster {@code {<prefix><source>}<suffixes>}, where
     * the source is the topic without its {@code .dlq} and {@code .parked} suffixes ({@link DeadLetterTopics}), so
     * that a topic, its dead letters and its parked events share one hash tag and therefore one slot:
     * {@code orders}, {@code orders.dlq} and {@code orders.dlq.parked} are {@code {orders}}, {@code {orders}.dlq} and
     * {@code {orders}.dlq.parked}. Outside a cluster the names stay as they were.
     */
    static String streamName(String prefix, String topic, boolean cluster) {
        if (!cluster) {
            return prefix + topic;
        }
        String source = topic;
        for (String shorter = DeadLetterTopics.sourceTopicOf(source); !shorter.equals(source) && !shorter.isEmpty();
                shorter = DeadLetterTopics.sourceTopicOf(shorter)) {
            source = shorter;
        }
        return "{" + prefix + source + "}" + topic.substring(source.length());
    }

    /** Publishes and waits until Redis has appended the entry ({@code publishTimeout}). */
    @Override
    public TransportProducer bindProducer(String topic) {
        return producers.computeIfAbsent(topic, t -> {
            String stream = streamOf(t);
            return new TransportProducer() {
                @Override
                public void publish(OutboundMessage message) throws Exception {
                    RedisStreamsClient.await(append(stream, message).toCompletableFuture(),
                            configuration.getPublishTimeout());
                }

                /**
                 * Pipelined: the XADD is written at once and the future completes with Redis's reply, on the
                 * transport's {@link ConfirmationExecutor}: the caller (a Camel route) continues there and may block
                 * — on a dead-letter write, say — which on Lettuce's event loop would wait for a reply that loop has
                 * to read.
                 */
                @Override
                public CompletableFuture<Void> publishAsync(OutboundMessage message) {
                    CompletableFuture<Void> confirmed = new CompletableFuture<>();
                    client.within(append(stream, message), configuration.getPublishTimeout())
                            .whenCompleteAsync((id, failure) -> {
                                if (failure == null) {
                                    confirmed.complete(null);
                                } else {
                                    confirmed.completeExceptionally(failure);
                                }
                            }, confirmations);
                    return confirmed;
                }
            };
        });
    }

    /** {@code XADD} to the stream, or for a message not due yet {@code ZADD} to its delayed set. */
    private CompletionStage<?> append(String stream, OutboundMessage message) {
        long due = DeliverAt.of(message);
        if (due > System.currentTimeMillis()) {
            return delayed.add(stream, due, fieldsOf(message));
        }
        return publisher.publish(stream, fieldsOf(message));
    }

    /** Also moves the topic's delayed events when due (see {@link RedisDelayedEntries}). */
    @Override
    public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
        delayed.watch(streamOf(topic));
        RedisStreamsConfiguration member = configuration.copy();
        member.setGroup(binding.group());
        member.setConsumer(binding.consumerName());
        member.setConcurrency(binding.concurrency());
        member.setRedeliveryDelay(binding.redeliveryDelay());
        member.setStartFrom(binding.startPosition());
        StreamGroupMember reader = new StreamGroupMember(context, client, streamOf(topic), member, handler);
        return new TransportConsumer() {
            @Override
            public void start() {
                readers.add(reader);
                reader.start();
            }

            @Override
            public void stop() {
                try {
                    reader.stop();
                } finally {
                    readers.remove(reader);
                }
            }

            @Override
            public Map<String, Object> details() {
                return reader.details();
            }
        };
    }

    /**
     * Publishes the request to the topic's stream with {@code reply_to} naming this instance's reply stream (see
     * {@link RedisReplies}) and waits for the reply with its {@code correlation_id}. Unlike RabbitMQ's, the request
     * does not expire: processed after its requester gave up, it is answered to nobody.
     */
    @Override
    public byte[] request(String topic, OutboundMessage request, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String correlationId = request.headers().get(CORRELATION_ID);
        CompletableFuture<byte[]> reply = replies.expect(correlationId);
        try {
            bindProducer(topic).publish(request.withHeader(REPLY_TO, replies.stream()));
        } catch (Exception e) {
            replies.forget(correlationId, reply);
            throw e;
        }
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return replies.await(correlationId, reply, left);
    }

    /** Appends the reply to the requester's reply stream, with the request's {@code correlation_id}. */
    @Override
    public void reply(Map<String, String> requestHeaders, OutboundMessage reply) throws Exception {
        String correlationId = requestHeaders.get(CORRELATION_ID);
        RedisReplies.send(client, requestHeaders.get(REPLY_TO), fieldsOf(correlationId == null ? reply
                : reply.withHeader(CORRELATION_ID, correlationId)));
    }

    /**
     * {@code XLEN} and {@code XINFO GROUPS}: per group its lag (Redis 7; null when Redis cannot tell), pending,
     * consumers and the entries held past {@code max-len} for it ({@link GroupNeed#heldPastRetention}). A group asked for that Redis does not know is reported with lag and pending unknown and no
     * consumer. Creates nothing.
     */
    @Override
    public TopicStats stats(String topic, Set<String> groups) throws Exception {
        String stream = streamOf(topic);
        long length = client.length(stream, PROBE_TIMEOUT);
        List<TopicStats.GroupStats> stats = new ArrayList<>();
        Set<String> missing = new TreeSet<>(groups);
        List<StreamGroupInfo> known = client.groups(stream, PROBE_TIMEOUT);
        Map<String, Long> held = configuration.getMaxLen() > 0 ? GroupNeed.heldPastRetention(client, stream, known,
                length, configuration.getMaxLen(), PROBE_TIMEOUT) : Map.of();
        for (StreamGroupInfo group : known) {
            missing.remove(group.name());
            if (groups.isEmpty() || groups.contains(group.name())) {
                stats.add(new TopicStats.GroupStats(group.name(), group.lag(), group.pending(),
                        (int) group.consumers(), abandonedGroups.idleMillis(stream, group), held.get(group.name())));
            }
        }
        for (String group : missing) {
            stats.add(new TopicStats.GroupStats(group, null, null, 0));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stream", stream);
        if (configuration.getMaxLen() > 0) {
            details.put("max_len", configuration.getMaxLen());
            details.put("retention", configuration.getRetention().name().toLowerCase(java.util.Locale.ROOT));
        }
        return new TopicStats(topic, length, stats, details);
    }

    /** {@code XGROUP DESTROY}; see {@link AbandonedStreamGroups} for when a group counts as live. */
    @Override
    public boolean deleteGroup(String topic, String group) throws Exception {
        return abandonedGroups.delete(streamOf(topic), group);
    }

    /** Browses {@code <topic>.dlq} streams with {@code XRANGE}, removes with {@code XDEL}. */
    @Override
    public Optional<DeadLetterStore> deadLetterStore() {
        return Optional.of(new RedisDeadLetterStore(client, this, Math.max(PROBE_TIMEOUT,
                configuration.getPublishTimeout())));
    }

    /**
     * A {@code PING}: connected and its round trip; the Redis endpoint as {@code host:port}, never credentials. Not
     * connected, without a PING, while Redis has not been reached since the transport was created.
     */
    @Override
    public TransportHealth health() {
        String unreachable = client.unavailableReason();
        if (unreachable != null) {
            return new TransportHealth(false, -1, unreachable, Map.of("redis", client.endpoint()));
        }
        try {
            double latency = client.ping(PROBE_TIMEOUT);
            return new TransportHealth(true, latency, null, Map.of("redis", client.endpoint()));
        } catch (Exception e) {
            return new TransportHealth(false, -1, "Redis at " + client.endpoint() + " does not answer: "
                    + e.getMessage(), Map.of("redis", client.endpoint()));
        }
    }

    @Override
    public void close() {
        delayed.close();
        for (StreamGroupMember reader : readers) {
            reader.stop();
        }
        readers.clear();
        replies.close();
        client.close();
        confirmations.close();
    }

    /**
     * The entry: {@code envelope} plus the {@code event_type}, {@code event_id} and {@code traceparent} mirrors, and
     * where the message has them {@code reply_to} and {@code correlation_id} (a request, a reply) and
     * {@code routing_key} (carried, not routed by), and
     * {@code deliver_at} on a delayed one.
     */
    private static Map<String, byte[]> fieldsOf(OutboundMessage message) {
        Map<String, byte[]> fields = new LinkedHashMap<>(4);
        fields.put("envelope", message.body());
        for (String mirrored : MIRRORED) {
            String value = message.headers().get(mirrored);
            if (value != null) {
                fields.put(mirrored, value.getBytes(StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
