package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpMessageReturnedException;
import org.springframework.amqp.core.AmqpReplyTimeoutException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.RabbitMessageFuture;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import io.eventbus.transport.ConfirmationExecutor;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.GroupInUseException;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportOption;
import io.eventbus.transport.TransportProducer;

/**
 * The RabbitMQ transport, on Spring AMQP (the library of Camel's {@code spring-rabbitmq} component; Camel 4 has no
 * {@code rabbitmq} component): a {@link CachingConnectionFactory} with correlated publisher confirms and returns,
 * {@link RabbitTemplate} for confirmed mandatory publishes ({@link RabbitMqConfirmedPublisher}), listener containers
 * with manual acknowledgement for consumer groups, {@link AsyncRabbitTemplate} over direct reply-to for
 * request-reply, {@link RabbitAdmin} for declarations.
 * <p>
 * A topic is a durable exchange (topic type unless configured otherwise) with the topic as routing key, or the
 * message's own ({@code EventbusRoutingKey}); a consumer group is a durable queue bound to it with the topic as
 * binding key, or the group's own patterns ({@code bindingKey}, see {@link RabbitMqTopology}). Messages are persistent and every publish
 * completes with the broker's confirm, many of them in flight at once ({@code max-in-flight}); an unroutable
 * publish fails. Deliveries are acknowledged after the exchange completes. Connections recover by themselves:
 * publishes retry on a new connection within the publish timeout, consumers reconnect and RabbitMQ requeues what
 * they had not acknowledged.
 */
public final class RabbitMqTransport implements Transport, RequestReplyTransport {

    public static final String NAME = "rabbitmq";
    /** Message header naming the routing key of a publish, instead of the topic. */
    static final String ROUTING_KEY = "routing_key";
    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqTransport.class);

    private final CamelContext context;
    private final RabbitMqSettings settings;
    private final RabbitMqTopology topology;
    private final CachingConnectionFactory connectionFactory;
    private final RabbitAdmin admin;
    private final RabbitMqDeclarations declarations;
    private final RabbitTemplate template;
    private final RabbitTemplate replies;
    private final RabbitMqConfirmedPublisher publisher;
    /** Runs publish retries and checks publish deadlines; no route ever continues on it. */
    private final ScheduledExecutorService publishingTimer;
    /** Where publish confirmations complete, off the client's connection thread (see {@code publishAsync}). */
    private final ConfirmationExecutor confirmations;
    private final ScheduledExecutorService scheduler;
    private final List<RabbitMqGroupMember> consumers = new CopyOnWriteArrayList<>();
    private final Set<String> declaredTopics = ConcurrentHashMap.newKeySet();
    private final Set<String> declaredDelayQueues = ConcurrentHashMap.newKeySet();
    private AsyncRabbitTemplate requests;
    private final Reachability reachability = new Reachability();

    RabbitMqTransport(CamelContext context, RabbitMqSettings settings, RabbitMqTopology topology) throws Exception {
        this.context = context;
        this.settings = settings;
        this.topology = topology;
        this.connectionFactory = connectionFactory(settings);
        this.admin = new RabbitAdmin(connectionFactory);
        this.declarations = new RabbitMqDeclarations(admin);
        connectionFactory.addConnectionListener(declarations);
        connectionFactory.addConnectionListener(reachability);
        this.template = new RabbitTemplate(connectionFactory);
        template.setMandatory(true);
        // a return reaches its publish through its CorrelationData; without a callback the template would log a
        // WARN for every returned message besides
        template.setReturnsCallback(returned -> { });
        this.replies = new RabbitTemplate(connectionFactory);
        this.publishingTimer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                "bus-rabbitmq-publishing");
        this.confirmations = new ConfirmationExecutor(context, this, "bus-rabbitmq-confirmed");
        this.publisher = new RabbitMqConfirmedPublisher(
                new RabbitMqPublishingChannels(connectionFactory, template, settings.channelCacheSize()),
                new RabbitMqInFlightPublishes(settings.maxInFlight()), publishingTimer,
                settings.publishTimeoutMillis(), reachability, settings.address());
        this.scheduler = context.getExecutorServiceManager().newScheduledThreadPool(this, "bus-rabbitmq-redelivery", 1);
        try {
            declarations.declare(topology.configured());
        } catch (RuntimeException e) {
            close();
            throw new IllegalArgumentException("eventbus.rabbitmq.topology: " + e.getMessage(), e);
        }
        LOG.info("RabbitMQ transport for {} ({} queues, redelivery {}, up to {} publishes in flight)",
                settings.address(), settings.queueType().name().toLowerCase(),
                settings.redelivery().name().toLowerCase(), settings.maxInFlight());
    }

    /** Package-private for RabbitMqSettingsTest, which checks what TLS and credentials reach the client. */
    static CachingConnectionFactory connectionFactory(RabbitMqSettings settings) throws Exception {
        com.rabbitmq.client.ConnectionFactory rabbit = new com.rabbitmq.client.ConnectionFactory();
        try {
            rabbit.setUri(settings.uri());
        } catch (Exception e) {
            throw new IllegalArgumentException("eventbus.rabbitmq.uri: " + e.getMessage());
        }
        if (settings.vhost() != null) {
            rabbit.setVirtualHost(settings.vhost());
        }
        if (settings.username() != null) {
            rabbit.setUsername(settings.username());
        }
        if (settings.password() != null) {
            rabbit.setPassword(settings.password());
        }
        if (settings.tls()) {
            // the JVM's trust store and host-name checks, never the client's trust-everything default for amqps
            rabbit.useSslProtocol(SSLContext.getDefault());
            rabbit.enableHostnameVerification();
        }
        // Spring AMQP recovers itself (new connections on demand, containers re-consume): the client's own
        // recovery would race it
        rabbit.setAutomaticRecoveryEnabled(false);
        rabbit.setConnectionTimeout(5_000);
        rabbit.setRequestedHeartbeat(10);
        CachingConnectionFactory factory = new CachingConnectionFactory(rabbit);
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        factory.setChannelCacheSize(settings.channelCacheSize());
        factory.setConnectionNameStrategy(f -> "camel-eventbus");
        return factory;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Whether RabbitMQ has been reached since the transport was created, and the log of its outages: one WARN when a
     * connection cannot be made (Spring AMQP's containers, which retry every {@code recovery-interval}, would say so
     * at every attempt), one INFO when one is made again.
     */
    private final class Reachability implements ConnectionListener, BooleanSupplier {
        private volatile boolean reached;
        private final AtomicBoolean down = new AtomicBoolean();

        @Override
        public boolean getAsBoolean() {
            return reached;
        }

        @Override
        public void onCreate(Connection connection) {
            reached = true;
            if (down.compareAndSet(true, false)) {
                LOG.info("Connected to RabbitMQ at {}", settings.address());
            }
        }

        @Override
        public void onFailed(Exception e) {
            if (down.compareAndSet(false, true)) {
                LOG.warn("Cannot reach RabbitMQ at {} ({}); {}", settings.address(), RabbitMqErrors.describe(e),
                        reached ? "reconnecting: publishes retry up to eventbus.rabbitmq.publish-timeout"
                                : "starting without it: publishes fail until it answers, consumers attach when it "
                                        + "does");
            }
        }
    }

    /**
     * Publishes to the topic's exchange; {@code publish} returns once the broker confirmed, {@code publishAsync}
     * completes then, on the transport's {@link ConfirmationExecutor}: the caller (a Camel route) continues there
     * and may block — on a dead-letter write, say — which on the client's connection thread would wait for a confirm
     * that thread has to read.
     */
    @Override
    public TransportProducer bindProducer(String topic) {
        // a retained topic's queue (dead letters, parked events) has no dead-letter exchange: a message expiring
        // there would be gone without a trace, so neither the default time to live nor a route's applies to it
        boolean retained = topology.isRetained(topic);
        String what = "topic '" + topic + "'";
        return new TransportProducer() {
            @Override
            public void publish(OutboundMessage message) throws Exception {
                long delay = DeliverAt.remainingMillis(message, System.currentTimeMillis());
                if (delay > 0) {
                    String queue = declareForDelay(topic, delay);
                    publisher.publish("", queue, RabbitMqWireFormat.toNeverExpiringAmqp(message), what);
                    return;
                }
                declareForPublishing(topic);
                publisher.publish(topic, routingKey(topic, message), amqp(message), what);
            }

            @Override
            public CompletableFuture<Void> publishAsync(OutboundMessage message) {
                CompletableFuture<Void> confirmed = new CompletableFuture<>();
                try {
                    long delay = DeliverAt.remainingMillis(message, System.currentTimeMillis());
                    CompletableFuture<Void> published;
                    if (delay > 0) {
                        // no expiration of its own in the delay queue: it would dead-letter the message early, and
                        // RabbitMQ drops a message's expiration when it dead-letters it anyway
                        published = publisher.publishAsync("", declareForDelay(topic, delay),
                                RabbitMqWireFormat.toNeverExpiringAmqp(message), what);
                    } else {
                        declareForPublishing(topic);
                        published = publisher.publishAsync(topic, routingKey(topic, message), amqp(message), what);
                    }
                    published.whenCompleteAsync((ok, failure) -> {
                        if (failure == null) {
                            confirmed.complete(null);
                        } else {
                            confirmed.completeExceptionally(failure);
                        }
                    }, confirmations);
                } catch (RuntimeException e) {
                    confirmed.completeExceptionally(e);
                }
                return confirmed;
            }

            private Message amqp(OutboundMessage message) {
                return retained ? RabbitMqWireFormat.toNeverExpiringAmqp(message)
                        : RabbitMqWireFormat.toAmqp(message, settings.messageTtlMillis());
            }
        };
    }

    @Override
    public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
        declarations.declare(topology.forGroup(topic, binding.group(), binding.bindingKeys()));
        RabbitMqGroupMember consumer = new RabbitMqGroupMember(this, connectionFactory, settings, topic, binding, handler,
                publisher, scheduler, consumers::remove);
        consumers.add(consumer);
        return consumer;
    }

    /**
     * Publishes the request (persistent, mandatory, expiring after the timeout so a request nobody answered in time
     * is dead-lettered rather than answered too late) with {@code reply_to} = RabbitMQ's direct reply-to, and waits
     * for the reply carrying the request's correlation id.
     */
    @Override
    public byte[] request(String topic, OutboundMessage request, long timeoutMillis) throws Exception {
        declareForPublishing(topic);
        Message message = RabbitMqWireFormat.toAmqp(request.withHeader("ttl_ms", String.valueOf(timeoutMillis)), 0);
        RabbitMessageFuture future;
        try {
            future = requests().sendAndReceive(topic, routingKey(topic, request), message);
        } catch (AmqpException e) {
            throw new RabbitMqPublishException("cannot send the request to topic '" + topic + "': "
                    + RabbitMqErrors.describe(e), e);
        }
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS).getBody();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException("no reply within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AmqpMessageReturnedException) {
                throw new RabbitMqUnroutableException("RabbitMQ returned the request published to topic '" + topic
                        + "' as unroutable: no consumer group or queue is bound to it");
            }
            if (e.getCause() instanceof AmqpReplyTimeoutException) {
                throw new TimeoutException("no reply within " + timeoutMillis + " ms");
            }
            throw new RabbitMqPublishException("request to topic '" + topic + "' failed: "
                    + RabbitMqErrors.describe(e.getCause()), e.getCause());
        }
    }

    /** The message's own routing key ({@code EventbusRoutingKey}), else the topic. */
    private static String routingKey(String topic, OutboundMessage message) {
        String key = message.headers().get(ROUTING_KEY);
        return key != null ? key : topic;
    }

    /** Priority (with queues that have {@code x-max-priority}) and binding keys: both are RabbitMQ's own. */
    @Override
    public boolean honours(TransportOption option) {
        return true;
    }

    /**
     * Declares the topic's exchange (and a retained topic's queue) once: {@link RabbitMqDeclarations} remembers it
     * for every later connection, so a publish after the first costs one map look-up, not a declaration.
     */
    private void declareForPublishing(String topic) {
        if (!declaredTopics.contains(topic)) {
            declarations.declare(topology.forPublishing(topic));
            declaredTopics.add(topic);
        }
    }

    /**
     * Declares, once, the delay queue for a message still to wait {@code remainingMillis} and returns its name; a
     * delay beyond what RabbitMQ can hold fails naming the limit.
     */
    private String declareForDelay(String topic, long remainingMillis) {
        long bucket = RabbitMqTopology.delayBucket(remainingMillis);
        if (bucket > RabbitMqTopology.MAX_DELAY_MILLIS) {
            throw new IllegalArgumentException("cannot delay an event on topic '" + topic + "' by " + remainingMillis
                    + " ms: RabbitMQ holds a message at most " + RabbitMqTopology.MAX_DELAY_MILLIS + " ms (about 49 "
                    + "days, its largest time to live)");
        }
        String queue = RabbitMqTopology.delayQueue(topic, bucket);
        if (!declaredDelayQueues.contains(queue)) {
            declarations.declare(topology.forDelay(topic, bucket));
            declaredDelayQueues.add(queue);
        }
        return queue;
    }

    /** Publishes to the requester's direct reply-to address; a requester that is gone loses nothing of the bus's. */
    @Override
    public void reply(Map<String, String> requestHeaders, OutboundMessage reply) {
        Message message = RabbitMqWireFormat.toAmqp(reply, 0);
        message.getMessageProperties().setCorrelationId(requestHeaders.get(CORRELATION_ID));
        replies.send("", requestHeaders.get(REPLY_TO), message);
    }

    private synchronized AsyncRabbitTemplate requests() {
        if (requests == null) {
            RabbitTemplate requestTemplate = new RabbitTemplate(connectionFactory);
            AsyncRabbitTemplate async = new AsyncRabbitTemplate(requestTemplate);
            async.setMandatory(true);
            async.setEnableConfirms(true);
            // the caller's requestTimeout governs; this only reclaims futures nobody waits for any more
            async.setReceiveTimeout(TimeUnit.MINUTES.toMillis(10));
            async.start();
            requests = async;
        }
        return requests;
    }

    /**
     * Connected when a passive declaration answers; {@code latency_ms} is that round trip. Details: where it
     * connects (no credentials) and, per queue this application consumes, its depth ({@code messages}) and
     * {@code consumers}.
     */
    @Override
    public TransportHealth health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("broker", settings.address());
        long start = System.nanoTime();
        try {
            template.execute(channel -> channel.exchangeDeclarePassive("amq.direct"));
        } catch (AmqpException e) {
            double latency = (System.nanoTime() - start) / 1e6;
            return new TransportHealth(false, latency, "RabbitMQ at " + settings.address() + " is not reachable: "
                    + RabbitMqErrors.describe(e), details);
        }
        double latency = (System.nanoTime() - start) / 1e6;
        Map<String, Object> queues = new TreeMap<>();
        for (RabbitMqGroupMember consumer : consumers) {
            try {
                QueueInformation info = queueInfo(consumer.queue());
                queues.put(consumer.queue(), info == null ? Map.of("missing", true)
                        : Map.of("messages", (long) info.getMessageCount(), "consumers", info.getConsumerCount()));
            } catch (AmqpException e) {
                queues.put(consumer.queue(), Map.of("error", RabbitMqErrors.describe(e)));
            }
        }
        details.put("queues", queues);
        return new TransportHealth(true, latency, null, details);
    }

    /**
     * Per group, from a passive declaration of its queue: {@code lag} = messages ready in the queue and its retry
     * queue, {@code consumers}; {@code pending} (delivered, unacknowledged) is null, as AMQP does not tell it
     * (the management API would). The topic's length is null: an exchange keeps no log. With no groups named,
     * the groups this application consumes the topic with. {@code details.broker_dead_lettered}: per group, the
     * messages the broker itself moved to the queue {@code <topic>.<group>.dlq} (expired, over a length limit,
     * rejected), when there are any.
     */
    @Override
    public TopicStats stats(String topic, Set<String> groups) {
        Set<String> wanted = new LinkedHashSet<>(groups);
        if (wanted.isEmpty()) {
            consumers.stream().filter(c -> c.topic().equals(topic)).map(RabbitMqGroupMember::group).sorted()
                    .forEach(wanted::add);
        }
        List<TopicStats.GroupStats> stats = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, Long> dead = new java.util.TreeMap<>();
        for (String group : wanted) {
            String queue = RabbitMqTopology.groupQueue(topic, group);
            QueueInformation info = queueInfo(queue);
            if (info == null) {
                missing.add(group);
                stats.add(new TopicStats.GroupStats(group, null, null, null));
                continue;
            }
            QueueInformation retry = queueInfo(RabbitMqTopology.retryQueue(queue));
            long lag = info.getMessageCount() + (retry == null ? 0 : retry.getMessageCount());
            stats.add(new TopicStats.GroupStats(group, lag, null, info.getConsumerCount()));
            QueueInformation brokerDeadLetters = queueInfo(RabbitMqTopology.deadLetterQueue(queue));
            if (brokerDeadLetters != null && brokerDeadLetters.getMessageCount() > 0) {
                dead.put(group, (long) brokerDeadLetters.getMessageCount());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("exchange", topic);
        if (!dead.isEmpty()) {
            // expired, over a length limit, or rejected without requeue: moved by the broker, not by the bus
            details.put("broker_dead_lettered", dead);
        }
        if (!missing.isEmpty()) {
            details.put("groups_without_queue", missing);
        }
        // an exchange keeps no log; a topic that keeps a queue of its own name (dead letters, retained topics) has one
        QueueInformation own = queueInfo(topic);
        return new TopicStats(topic, own == null ? null : (long) own.getMessageCount(), stats, details);
    }

    /**
     * Deletes the group's queue and its retry queue ({@code queue.delete} with {@code if-unused}): the broker refuses
     * while the queue has a consumer, which becomes a {@link GroupInUseException}. The group's messages go with the
     * queue; its broker dead-letter queue ({@code <queue>.dlq}) is kept, as it may hold what an operator still wants.
     * False when the group has no queue.
     */
    @Override
    public boolean deleteGroup(String topic, String group) {
        String queue = RabbitMqTopology.groupQueue(topic, group);
        QueueInformation info = queueInfo(queue);
        if (info == null) {
            return false;
        }
        if (info.getConsumerCount() > 0) {
            throw inUse(topic, group, queue, info.getConsumerCount() + " consumers attached");
        }
        try {
            admin.deleteQueue(queue, true, false);
        } catch (AmqpException e) {
            String reason = RabbitMqErrors.describe(e);
            if (reason.contains("in use")) {
                throw inUse(topic, group, queue, reason);
            }
            throw new IllegalStateException("RabbitMQ refused to delete queue '" + queue + "': " + reason, e);
        }
        admin.deleteQueue(RabbitMqTopology.retryQueue(queue), true, false);
        return true;
    }

    private static GroupInUseException inUse(String topic, String group, String queue, String why) {
        return new GroupInUseException("consumer group '" + group + "' of topic '" + topic + "' is in use (queue '"
                + queue + "': " + why + "); stop its consumers first");
    }

    /**
     * Browses the retained queue {@code <topic>.dlq} by {@code basic.get} without acknowledgement on a connection
     * of its own (see {@link RabbitMqDeadLetterStore} for what that means for other consumers).
     */
    @Override
    public Optional<DeadLetterStore> deadLetterStore() {
        return Optional.of(new RabbitMqDeadLetterStore(this, connectionFactory.getRabbitConnectionFactory()));
    }

    /** The queue's ready messages and consumers, or null when it does not exist; never declares it. */
    QueueInformation queueInfo(String queue) {
        return admin.getQueueInfo(queue);
    }

    @Override
    public void close() {
        for (RabbitMqGroupMember consumer : List.copyOf(consumers)) {
            consumer.stop();
        }
        synchronized (this) {
            if (requests != null) {
                requests.stop();
                requests = null;
            }
        }
        context.getExecutorServiceManager().shutdownNow(scheduler);
        connectionFactory.destroy();
        // after the connections: what they confirmed until they closed has been confirmed to its publisher
        publisher.close();
        context.getExecutorServiceManager().shutdownNow(publishingTimer);
        confirmations.close();
    }
}
