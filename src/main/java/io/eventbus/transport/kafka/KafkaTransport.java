package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.AwaitingReplies;
import io.eventbus.transport.ConfirmationExecutor;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;

/**
 * {@code bus:} over Apache Kafka: {@code bus:<topic>} is the Kafka topic of that name (created through the
 * {@link Admin} client with {@code eventbus.kafka.partitions} partitions and {@code replication-factor} replicas
 * when absent), the envelope's {@code key} is the record key (so one key stays in one partition, in order), the
 * consumer group is the Kafka {@code group.id}, and the value is the envelope JSON with the header mirrors as record
 * headers.
 * <p>
 * Publishing uses one {@link KafkaProducer} per transport (thread-safe; concurrent publishes share its batches):
 * idempotent, {@code acks=all}, lz4, {@code linger.ms}/{@code batch.size} from configuration; a publish returns
 * once every in-sync replica has the record. It is kafka-clients' producer rather than Camel's {@code kafka:}
 * endpoint because the transport SPI publishes an already encoded message, below Camel's exchanges: a
 * {@code kafka:} producer would wrap each publish in a second exchange for no gain. Consuming is
 * {@link KafkaGroupMember}'s loop (its Javadoc says why it is not Camel's {@code kafka:} consumer).
 * <p>
 * Request-reply: a request is a record of the topic with {@code reply_to} and {@code correlation_id} headers; the
 * reply goes to a topic of the requesting instance's own ({@link KafkaReplies}, whose Javadoc says why).
 * Delayed delivery: a message not due yet goes to a delay topic {@code <topic>.delay.<bucket>} and is re-published
 * to its topic when due by the {@link KafkaDelayMover}.
 */
public final class KafkaTransport implements Transport, RequestReplyTransport {

    public static final String NAME = "kafka";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How long a transport that has not reached Kafka yet waits for it to answer a probe (health, publish). */
    private static final long PROBE_TIMEOUT = 1_000;
    /**
     * How long a transport with TLS or SASL waits at its creation for Kafka to accept or refuse it: a TLS handshake
     * and a SCRAM exchange take a few round trips, more in a cold JVM.
     */
    private static final long START_PROBE_TIMEOUT = 3_000;

    private final CamelContext context;
    private final KafkaSettings settings;
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private final List<KafkaGroupMember> members = new CopyOnWriteArrayList<>();
    /** Where publish acknowledgements complete, off the producer's network thread (see {@code send}). */
    private final ConfirmationExecutor confirmations;
    /** Re-publishes delayed records when due; started on first need (see {@link KafkaDelayMover}). */
    private final KafkaDelayMover delayMover;
    /** Whether Kafka has answered since the transport was created; see {@link #requireReachable()}. */
    private volatile boolean reached;
    /** Whether Kafka was found out of reach and has not answered since (the WARN was said). */
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final KafkaReplies replies;
    /** Reply topics a replier has seen exist, and when it last did (nanoTime); see {@link #reply}. */
    private final Map<String, Long> replyTopicsSeen = new ConcurrentHashMap<>();

    KafkaTransport(CamelContext context, KafkaSettings settings) {
        this.context = context;
        this.settings = settings;
        String clientId = "eventbus-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        this.admin = Admin.create(settings.adminProperties(clientId + "-admin"));
        KafkaProducer<String, byte[]> created;
        try {
            created = new KafkaProducer<>(settings.producerProperties(clientId + "-producer"));
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
        this.producer = created;
        if (settings.secured()) {
            try {
                probeCredentials();
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                admin.close(Duration.ZERO);
                throw e;
            }
        }
        this.confirmations = new ConfirmationExecutor(context, this, "bus-kafka-confirmed");
        this.replies = new KafkaReplies(this, settings, clientId);
        this.delayMover = new KafkaDelayMover(this, settings, producer, clientId);
        LOG.info("Kafka transport on {}", settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Publishes through the shared idempotent producer; {@code publishAsync} completes from its send callback. */
    @Override
    public TransportProducer bindProducer(String topic) {
        return new TransportProducer() {
            @Override
            public void publish(OutboundMessage message) throws Exception {
                try {
                    publishAsync(message).get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                } catch (TimeoutException e) {
                    throw new RetryableException("Kafka did not acknowledge the event on topic " + topic + " within "
                            + settings.requestTimeoutMillis() + " ms (eventbus.kafka.request-timeout)", e);
                }
            }

            @Override
            public CompletableFuture<Void> publishAsync(OutboundMessage message) {
                return send(topic, message);
            }
        };
    }

    /**
     * Sends to the topic, or, for a message not due yet, to the delay topic of its bucket (see
     * {@link KafkaDelayMover}), starting this transport's mover.
     */
    private CompletableFuture<Void> send(String topic, OutboundMessage message) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            ensureTopic(topic);
            String destination = topic;
            long delay = DeliverAt.remainingMillis(message, System.currentTimeMillis());
            if (delay > 0) {
                destination = KafkaDelayMover.delayTopic(topic, KafkaDelayMover.bucketFor(delay));
                ensureDelayTopic(destination);
                delayMover.start();
            }
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(destination, message.key(), message.body());
            message.headers().forEach((name, value) ->
                    record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
            // completed on a thread of the transport's own: the caller (a Camel route) continues on it and may
            // block on another publish, whose acknowledgement the producer's network thread would have to read
            producer.send(record, (metadata, failure) -> confirmations.execute(() -> {
                if (failure == null) {
                    acknowledged.complete(null);
                } else if (failure instanceof RetriableException) {
                    acknowledged.completeExceptionally(new RetryableException("Kafka did not accept the event on topic "
                            + topic + ": " + failure.getMessage(), failure));
                } else {
                    acknowledged.completeExceptionally(failure);
                }
            }));
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        // no timer of our own: the producer calls back within delivery.timeout.ms of send(), success or failure
        return acknowledged;
    }

    @Override
    public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
        KafkaGroupMember member = new KafkaGroupMember(context, this, settings, topic, binding, handler,
                members::remove);
        members.add(member);
        startDelayMoverIfDelayed(topic);
        return member;
    }

    /**
     * Starts the delay mover when the broker has delay topics of the topic, so that a process consuming a topic moves
     * the delayed events a publisher left behind; asked off the caller's thread, and not at all once the mover runs.
     * An unreachable broker is not an error here: the first delayed publish starts the mover anyway.
     */
    private void startDelayMoverIfDelayed(String topic) {
        CompletableFuture.runAsync(() -> {
            try {
                Set<String> names = admin.listTopics().names().get(settings.requestTimeoutMillis(),
                        TimeUnit.MILLISECONDS);
                if (names.stream().anyMatch(name -> KafkaDelayMover.isDelayTopicOf(name, topic))) {
                    delayMover.start();
                }
            } catch (Exception e) {
                LOG.debug("Could not tell whether topic {} has delayed events: {}", topic, e.getMessage());
            }
        });
    }

    /**
     * Creates the topic with the configured partitions and replication factor unless the broker has it. Throws a
     * {@link RetryableException} when the broker cannot be reached.
     */
    void ensureTopic(String topic) {
        if (knownTopics.contains(topic)) {
            return;
        }
        requireReachable();
        NewTopic wanted = new NewTopic(topic, settings.partitions(), settings.replicationFactor());
        try {
            try {
                admin.createTopics(List.of(wanted)).all().get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created Kafka topic {} ({} partitions, replication factor {})", topic,
                        settings.partitions(), settings.replicationFactor());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new RetryableException("cannot create Kafka topic " + topic + " on "
                            + settings.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            awaitLeaders(topic);
        } catch (TimeoutException e) {
            throw new RetryableException("cannot create Kafka topic " + topic + ": " + (e.getMessage() != null
                    ? e.getMessage() : "no answer from " + settings.bootstrapServers() + " within "
                            + settings.requestTimeoutMillis() + " ms"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while creating Kafka topic " + topic, e);
        }
        knownTopics.add(topic);
    }

    /**
     * Returns at once when Kafka has been reached since the transport was created; else asks it for its brokers,
     * waiting {@link #PROBE_TIMEOUT} at most, and throws a {@link RetryableException} naming the bootstrap servers
     * when it does not answer, or an {@link IllegalStateException} when it refuses the client (credentials,
     * certificates). Says once at WARN that Kafka is out of reach, and at INFO when it answers again.
     */
    private void requireReachable() {
        if (reached) {
            return;
        }
        Throwable failure;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT)).nodes()
                    .get(PROBE_TIMEOUT + 500, TimeUnit.MILLISECONDS);
            reached = true;
            if (unreachable.compareAndSet(true, false)) {
                LOG.info("Connected to Kafka at {}", settings.bootstrapServers());
            }
            return;
        } catch (ExecutionException e) {
            failure = e.getCause();
            if (failure instanceof AuthenticationException refused) {
                throw refusal(refused);
            }
        } catch (TimeoutException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        }
        String why = failure instanceof org.apache.kafka.common.errors.TimeoutException
                || failure instanceof TimeoutException ? "no answer within " + PROBE_TIMEOUT + " ms"
                        : String.valueOf(failure.getMessage());
        if (unreachable.compareAndSet(false, true)) {
            LOG.warn("Cannot reach Kafka at {} ({}); starting without it: publishes fail until it answers, "
                    + "consumers attach when it does", settings.bootstrapServers(), why);
        }
        throw new RetryableException("Kafka at " + settings.bootstrapServers() + " is not reachable (" + why + ")",
                failure);
    }

    /**
     * Asks Kafka for its brokers, waiting {@link #START_PROBE_TIMEOUT} at most, so that credentials or a certificate
     * it refuses fail the start instead of every later publish and poll. No answer is not a refusal: the transport
     * starts without Kafka, as it does without TLS or SASL, and {@link #requireReachable()} says so when first asked.
     */
    private void probeCredentials() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) START_PROBE_TIMEOUT)).nodes()
                    .get(START_PROBE_TIMEOUT + 500, TimeUnit.MILLISECONDS);
            reached = true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw refusal(refused);
            }
        } catch (TimeoutException e) {
            // not reached yet: see requireReachable
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kafka refused the client: the SASL credentials, the server's certificate (not trusted, or not naming the
     * host) or the client's. Configuration, not an outage: retrying would not mend it. The message names the cause
     * as Kafka's client words it, which never includes the password.
     */
    private IllegalStateException refusal(AuthenticationException refused) {
        StringBuilder why = new StringBuilder(String.valueOf(refused.getMessage()));
        Throwable root = refused;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != refused && root.getMessage() != null) {
            why.append(": ").append(root.getMessage());
        }
        String what = refused instanceof SslAuthenticationException ? "TLS handshake failed" : "authentication failed";
        return new IllegalStateException("cannot connect to Kafka at " + settings.bootstrapServers() + ": " + what
                + " (" + why + ")", refused);
    }

    /**
     * Waits until every partition of a topic just created has a leader. CreateTopics answers before the new
     * topic's metadata reaches every listener; a producer or consumer asking in that window sees an unknown topic
     * and waits for its next metadata refresh, which can stall a first publish (a dead letter, say) for seconds.
     */
    private void awaitLeaders(String topic) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMillis());
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                        .get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
                if (!description.partitions().isEmpty() && description.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new RetryableException("cannot describe Kafka topic " + topic + " on "
                            + settings.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("Kafka topic " + topic + " has partitions without a leader after "
                        + settings.requestTimeoutMillis() + " ms");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Publishes the request to the topic with {@code reply_to} naming this instance's reply topic (see
     * {@link KafkaReplies}), waits for Kafka to acknowledge it, then for the reply with its {@code correlation_id}.
     * Unlike RabbitMQ's, the request does not expire: processed after its requester gave up, it is answered to
     * nobody.
     */
    @Override
    public byte[] request(String topic, OutboundMessage request, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String correlationId = request.headers().get(CORRELATION_ID);
        CompletableFuture<byte[]> reply = replies.expect(correlationId, timeoutMillis);
        try {
            send(topic, request.withHeader(REPLY_TO, replies.topic())).get(millisLeft(deadline),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            replies.forget(correlationId, reply);
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (Exception e) {
            replies.forget(correlationId, reply);
            throw e;
        }
        return replies.await(correlationId, reply, millisLeft(deadline));
    }

    private static long millisLeft(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /**
     * Hands the reply to the producer for the requester's reply topic, with the request's {@code correlation_id},
     * without waiting for Kafka's acknowledgement (a failure is logged). A reply topic not seen to exist in the last
     * {@link KafkaReplies#EXISTENCE_MILLIS} ms is looked up first; when it is gone its requester is, and the reply
     * is dropped.
     */
    @Override
    public void reply(Map<String, String> requestHeaders, OutboundMessage reply) throws Exception {
        String replyTo = requestHeaders.get(REPLY_TO);
        if (!AwaitingReplies.isReplyName(replyTo)) {
            throw new IllegalArgumentException("reply_to '" + replyTo + "' names no reply topic (they contain '"
                    + AwaitingReplies.REPLY_NAME_PREFIX + "'); not replying");
        }
        Long seen = replyTopicsSeen.get(replyTo);
        if (seen == null || System.nanoTime() - seen > TimeUnit.MILLISECONDS.toNanos(KafkaReplies.EXISTENCE_MILLIS)) {
            if (partitionsOf(replyTo) == null) {
                replyTopicsSeen.remove(replyTo);
                LOG.debug("Reply topic {} is gone with its requester; reply dropped", replyTo);
                return;
            }
            replyTopicsSeen.put(replyTo, System.nanoTime());
        }
        String correlationId = requestHeaders.get(CORRELATION_ID);
        OutboundMessage message = correlationId == null ? reply : reply.withHeader(CORRELATION_ID, correlationId);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(replyTo, null, message.body());
        message.headers().forEach((name, value) ->
                record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        producer.send(record, (metadata, failure) -> {
            if (failure != null) {
                LOG.warn("Reply {} to {} was not delivered: {}", correlationId, replyTo, failure.getMessage());
            }
        });
    }

    /** Creates a reply topic of one partition whose records go after {@code retentionMillis}. */
    void ensureReplyTopic(String topic, long retentionMillis) throws Exception {
        requireReachable();
        NewTopic wanted = new NewTopic(topic, 1, settings.replicationFactor()).configs(Map.of(
                "retention.ms", String.valueOf(retentionMillis), "segment.ms", String.valueOf(retentionMillis)));
        try {
            admin.createTopics(List.of(wanted)).all().get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new RetryableException("cannot create the reply topic " + topic + " on "
                        + settings.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
        awaitLeaders(topic);
        LOG.info("Replies to this instance's requests arrive on Kafka topic {}", topic);
    }

    /** Deletes a reply topic; a failure is logged, as the topic's retention empties it anyway. */
    void deleteReplyTopic(String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Cannot delete the reply topic {}: {}", topic, e.getMessage());
        }
    }

    /**
     * Creates a compacted topic of one partition unless the broker has it: a log of keyed facts where only the
     * latest value per key matters ({@code <topic>.dlq.settled}).
     */
    void ensureCompactedTopic(String topic) {
        ensureTopicAs(new NewTopic(topic, 1, settings.replicationFactor())
                .configs(Map.of("cleanup.policy", "compact")));
    }

    /**
     * Creates a delay topic ({@link KafkaDelayMover}) unless the broker has it: the configured partitions and
     * replicas, timestamps set by the broker on append, so that in each partition the oldest record is due first.
     */
    void ensureDelayTopic(String topic) {
        ensureTopicAs(new NewTopic(topic, settings.partitions(), settings.replicationFactor())
                .configs(Map.of("message.timestamp.type", "LogAppendTime")));
    }

    private void ensureTopicAs(NewTopic wanted) {
        String topic = wanted.name();
        if (knownTopics.contains(topic)) {
            return;
        }
        try {
            admin.createTopics(List.of(wanted)).all().get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new RetryableException("cannot create Kafka topic " + topic + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new RetryableException("cannot create Kafka topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while creating Kafka topic " + topic, e);
        }
        knownTopics.add(topic);
    }

    /**
     * Browses {@code <topic>.dlq} by offsets with a consumer of no group; removals are recorded in the compacted
     * {@code <topic>.dlq.settled} (see {@link KafkaDeadLetterStore}).
     */
    @Override
    public Optional<DeadLetterStore> deadLetterStore() {
        return Optional.of(new KafkaDeadLetterStore(this, settings));
    }

    /** A metadata request ({@code describeCluster}): connected, its latency, the cluster id and broker count. */
    @Override
    public TransportHealth health() {
        try {
            requireReachable();
        } catch (RetryableException | IllegalStateException e) {
            return new TransportHealth(false, -1, e.getMessage(), Map.of("bootstrap_servers",
                    settings.bootstrapServers()));
        }
        long start = System.nanoTime();
        try {
            DescribeClusterResult cluster = admin.describeCluster();
            int brokers = cluster.nodes().get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS).size();
            String clusterId = cluster.clusterId().get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
            double latency = (System.nanoTime() - start) / 1e6;
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("cluster_id", clusterId);
            details.put("brokers", brokers);
            details.put("bootstrap_servers", settings.bootstrapServers());
            return new TransportHealth(true, latency, null, details);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            double latency = (System.nanoTime() - start) / 1e6;
            String why = e instanceof ExecutionException && e.getCause() != null ? e.getCause().getMessage()
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new TransportHealth(false, latency, "Kafka at " + settings.bootstrapServers()
                    + " did not answer a metadata request: " + why, Map.of("bootstrap_servers",
                            settings.bootstrapServers()));
        }
    }

    /**
     * Length (end minus beginning offsets, summed over partitions) and, per group, lag (end minus committed
     * offsets, summed; per partition in {@code details.lag_by_partition}), pending (this process's members only,
     * else null) and consumers (members with partitions of the topic assigned, from {@code describeConsumerGroups}).
     * With no groups named, every group with committed offsets on the topic or members assigned to it.
     */
    @Override
    public TopicStats stats(String topic, Set<String> groups) throws Exception {
        List<TopicPartition> partitions = partitionsOf(topic);
        if (partitions == null) {
            return new TopicStats(topic, 0L, List.of(), Map.of("exists", false));
        }
        Map<TopicPartition, Long> beginning = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = offsets(partitions, OffsetSpec.latest());
        long length = 0;
        for (TopicPartition tp : partitions) {
            length += end.get(tp) - beginning.get(tp);
        }
        Set<String> candidates = groups.isEmpty() ? allGroups() : new java.util.TreeSet<>(groups);
        Map<String, ConsumerGroupDescription> descriptions = candidates.isEmpty() ? Map.of()
                : await(admin.describeConsumerGroups(candidates).all());
        List<TopicStats.GroupStats> stats = new ArrayList<>();
        Map<String, Object> lagByGroup = new TreeMap<>();
        for (String group : candidates) {
            Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(group, partitions);
            ConsumerGroupDescription description = descriptions.get(group);
            int consumers = assignedMembers(description, topic);
            if (groups.isEmpty() && committed.isEmpty() && consumers == 0) {
                continue;
            }
            Map<Integer, Long> lag = lag(partitions, beginning, end, committed);
            lagByGroup.put(group, lag);
            stats.add(new TopicStats.GroupStats(group, lag.values().stream().mapToLong(Long::longValue).sum(),
                    pendingOf(topic, group), consumers));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("partitions", partitions.size());
        details.put("lag_by_partition", lagByGroup);
        Map<Integer, Long> endByPartition = new TreeMap<>();
        end.forEach((tp, offset) -> endByPartition.put(tp.partition(), offset));
        details.put("end_offsets", endByPartition);
        return new TopicStats(topic, length, stats, details);
    }

    /**
     * A Kafka group may read several topics: when it has committed offsets on other topics too, only its offsets on
     * this one are deleted ({@code deleteConsumerGroupOffsets}), else the whole group ({@code deleteConsumerGroups}).
     * Kafka itself refuses while a member is subscribed (a non-empty group); that refusal becomes a
     * {@link GroupInUseException}. False when the group has no committed offset on the topic.
     */
    @Override
    public boolean deleteGroup(String topic, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Set<TopicPartition> onTopic = new HashSet<>();
        boolean elsewhere = false;
        for (TopicPartition tp : committed.keySet()) {
            if (tp.topic().equals(topic)) {
                onTopic.add(tp);
            } else {
                elsewhere = true;
            }
        }
        if (onTopic.isEmpty()) {
            return false;
        }
        try {
            if (elsewhere) {
                await(admin.deleteConsumerGroupOffsets(group, onTopic).all());
            } else {
                await(admin.deleteConsumerGroups(List.of(group)).all());
            }
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupNotEmptyException
                    || e.getCause() instanceof GroupSubscribedToTopicException) {
                throw new GroupInUseException("Kafka refuses to delete consumer group '" + group + "' of topic '"
                        + topic + "': it has members subscribed (" + e.getCause().getMessage() + "); stop them "
                        + "first", e.getCause());
            }
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return false;
            }
            throw e;
        }
    }

    /** The group's lag per partition of the topic: end offset minus committed offset. */
    Map<Integer, Long> groupLag(String topic, String group) throws Exception {
        List<TopicPartition> partitions = partitionsOf(topic);
        if (partitions == null) {
            return Map.of();
        }
        return lag(partitions, offsets(partitions, OffsetSpec.earliest()), offsets(partitions, OffsetSpec.latest()),
                committedOffsets(group, partitions));
    }

    private static Map<Integer, Long> lag(List<TopicPartition> partitions, Map<TopicPartition, Long> beginning,
            Map<TopicPartition, Long> end, Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<Integer, Long> lag = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            long from = at == null ? beginning.get(tp) : Math.max(at.offset(), beginning.get(tp));
            lag.put(tp.partition(), Math.max(0, end.get(tp) - from));
        }
        return lag;
    }

    private Long pendingOf(String topic, String group) {
        long pending = 0;
        boolean any = false;
        for (KafkaGroupMember member : members) {
            if (member.topic().equals(topic) && member.group().equals(group)) {
                pending += member.pending();
                any = true;
            }
        }
        return any ? pending : null;
    }

    private static int assignedMembers(ConsumerGroupDescription description, String topic) {
        if (description == null) {
            return 0;
        }
        int assigned = 0;
        for (MemberDescription member : description.members()) {
            if (member.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                assigned++;
            }
        }
        return assigned;
    }

    /** The topic's partitions, or null when the topic does not exist. */
    List<TopicPartition> partitionsOf(String topic) throws Exception {
        try {
            TopicDescription description = await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic));
            return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw e;
        }
    }

    Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result = await(admin.listOffsets(request).all());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group, List<TopicPartition> partitions)
            throws Exception {
        ListConsumerGroupOffsetsSpec spec = new ListConsumerGroupOffsetsSpec().topicPartitions(partitions);
        try {
            Map<TopicPartition, OffsetAndMetadata> all = await(
                    admin.listConsumerGroupOffsets(Map.of(group, spec)).partitionsToOffsetAndMetadata(group));
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            all.forEach((tp, om) -> {
                if (om != null) {
                    committed.put(tp, om);
                }
            });
            return committed;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
    }

    private Set<String> allGroups() throws Exception {
        Set<String> names = new java.util.TreeSet<>();
        for (ConsumerGroupListing listing : await(admin.listConsumerGroups().all())) {
            names.add(listing.groupId());
        }
        return names;
    }

    private <T> T await(KafkaFuture<T> future) throws Exception {
        return future.get(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        delayMover.close();
        for (KafkaGroupMember member : new HashSet<>(members)) {
            member.stop();
        }
        members.clear();
        replies.close();
        producer.close();
        admin.close();
        confirmations.close();
    }
}
