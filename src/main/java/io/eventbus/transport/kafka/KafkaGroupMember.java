package io.eventbus.transport.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.DeliveryWorkers;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.TransportConsumer;

/**
 * One member of a consumer group on a Kafka topic: a consumer loop on kafka-clients' {@link KafkaConsumer} and
 * {@code concurrency} workers, committing per partition only what the exchanges have settled.
 * <p>
 * <strong>Why not Camel's {@code kafka:} consumer.</strong> The transport SPI settles each delivery on its own,
 * possibly out of order ({@code concurrency > 1}, redeliveries), from whichever thread completes the exchange.
 * camel-kafka 4.14's consumer commits per exchange in record order from its poll thread: it cannot hold a
 * partition's commit below an unsettled record while later ones complete, its {@code breakOnFirstError} seeks
 * and commits per batch (which is how CAMEL-20044 committed one partition's offset on another), and redelivery
 * there means seeking the whole partition back. So this class keeps, per partition, the set of unsettled offsets
 * ({@link PartitionOffsets}) and commits the lowest of them; a rejected record is redelivered in memory after the
 * redelivery delay while the rest of its partition and the other partitions flow.
 * <p>
 * Threads: the loop thread owns the {@link KafkaConsumer} (poll, commits, rebalance callbacks); the
 * {@link DeliveryWorkers} take fresh records in fetch order and rejected ones when their redelivery delay is over,
 * so in-flight deliveries never exceed the concurrency. When the buffer of fetched records (four
 * polls' worth) is full the loop pauses its partitions and keeps polling, which keeps the member in the group.
 * <p>
 * Rebalances use the cooperative-sticky assignor, so only moving partitions are revoked. On revocation the loop
 * stops delivering them, waits up to {@code settle-timeout} for their in-flight deliveries, commits what is
 * settled and drops the rest, which the new owner reads again from the commit. Lost partitions are dropped without
 * a commit.
 * <p>
 * The consumer never moves an offset by itself ({@code auto.offset.reset=none}). A partition the group has no
 * commit for starts where the binding's {@link StartPosition} says. A committed or fetch offset the broker no longer
 * has — its retention ({@code retention.ms}, {@code retention.bytes}) deleted records the group had not read — is
 * reported as an ERROR naming topic, partition, group and how many records were skipped, told to the handler
 * ({@link DeliveryHandler#onSkipped}, which the bus counts), and the member goes on from the oldest record the
 * broker still has: the records are gone, and stopping the group would only let the rest be deleted as well. An
 * offset beyond the end of the log (the topic was deleted and created again) is reported too, and the partition is
 * read again from its start.
 * <p>
 * A consumer that fails outright (a refused group or topic, a record the client cannot read) is closed and, after a
 * back-off, replaced by a new one that joins the group again: the member consumes as long as its route runs.
 */
final class KafkaGroupMember implements TransportConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupMember.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Fetched records a member holds before pausing its partitions, in polls' worth ({@code max-poll-records}). */
    private static final int BUFFERED_POLLS = 4;
    /**
     * How often a paused member's loop looks whether its workers have made room; it resumes with half the buffer still
     * in hand, which covers this wait and the fetch after it.
     */
    private static final long PAUSED_POLL_MILLIS = 5;

    private final CamelContext context;
    private final KafkaTransport transport;
    private final KafkaSettings settings;
    private final String topic;
    private final ConsumerBinding binding;
    private final DeliveryHandler handler;
    private final Consumer<KafkaGroupMember> onStopped;
    private final int maxBuffered;
    /** Records fetched and not yet taken by a worker, in fetch order. */
    private final LinkedBlockingQueue<Dispatch> fresh = new LinkedBlockingQueue<>();
    /** Rejected records, each due after the redelivery delay. */
    private final DelayQueue<Dispatch> redeliveries = new DelayQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicInteger awaitingRedelivery = new AtomicInteger();
    private final Map<TopicPartition, PartitionOffsets> owned = new ConcurrentHashMap<>();
    private static final long TOPIC_RETRY_MILLIS = 1_000;
    /** The first pause before a new consumer replaces a failed one; it doubles while they keep failing. */
    private static final long RESTART_PAUSE_MIN_MILLIS = 1_000;
    private static final long RESTART_PAUSE_MAX_MILLIS = 30_000;
    /** Whether the topic is known to exist; false while the broker could not be reached to create it. */
    private volatile boolean topicReady;
    private volatile boolean running;
    private ExecutorService loop;
    private DeliveryWorkers workers;

    KafkaGroupMember(CamelContext context, KafkaTransport transport, KafkaSettings settings, String topic,
            ConsumerBinding binding, DeliveryHandler handler, Consumer<KafkaGroupMember> onStopped) {
        this.context = context;
        this.transport = transport;
        this.settings = settings;
        this.topic = topic;
        this.binding = binding;
        this.handler = handler;
        this.onStopped = onStopped;
        // room for a few polls: paused at a single poll's worth, the workers ran dry while the loop waited out its
        // paused poll and the fetch after resuming, which capped a busy member's throughput
        this.maxBuffered = BUFFERED_POLLS * settings.maxPollRecords();
    }

    String topic() {
        return topic;
    }

    String group() {
        return binding.group();
    }

    /**
     * Creates the topic if absent, then starts polling; when the broker cannot be reached the member starts all the
     * same and its poll thread creates the topic once it can (see {@link #awaitTopic()}).
     */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        try {
            transport.ensureTopic(topic);
            topicReady = true;
        } catch (RetryableException unreachable) {
            topicReady = false;
        }
        running = true;
        String name = "bus-kafka-" + topic + "-" + binding.consumerName();
        workers = new DeliveryWorkers(context, this, name, binding.concurrency(), this::next, handler,
                "group " + binding.group());
        workers.start();
        loop = context.getExecutorServiceManager().newSingleThreadExecutor(this, name + "-poll");
        loop.execute(this::poll);
    }

    /**
     * Stops fetching, lets in-flight deliveries settle (up to {@code settle-timeout}), commits what settled and
     * leaves the group; the rest goes to the next owner.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        // no new delivery from now on, without waiting for the loop to notice
        owned.values().forEach(PartitionOffsets::closing);
        if (loop != null) {
            context.getExecutorServiceManager().shutdownGraceful(loop,
                    settings.settleTimeoutMillis() + settings.requestTimeoutMillis() + 5_000);
            loop = null;
        }
        if (workers != null) {
            workers.stop();
            workers = null;
        }
        onStopped.accept(this);
    }

    /** Delivered or waiting for redelivery, not settled, over the partitions this member owns. */
    long pending() {
        long pending = 0;
        for (PartitionOffsets offsets : owned.values()) {
            pending += offsets.pending();
        }
        return pending;
    }

    /**
     * This member's {@code pending}, the group's {@code lag} on the topic (end offsets minus committed offsets,
     * summed) and {@code lag_by_partition}, and the partitions it owns. The lag is the group's, as the broker
     * reports it, so it includes records this member has delivered but not committed yet.
     */
    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("consumer", binding.consumerName());
        details.put("pending", pending());
        details.put("partitions", owned.keySet().stream().map(TopicPartition::partition).sorted().toList());
        try {
            Map<Integer, Long> lag = transport.groupLag(topic, binding.group());
            details.put("lag", lag.values().stream().mapToLong(Long::longValue).sum());
            details.put("lag_by_partition", new TreeMap<>(lag));
        } catch (Exception e) {
            details.put("lag_error", e.getMessage());
        }
        return details;
    }

    // ------------------------------------------------------------------ the consumer loop

    /**
     * Creates the topic, trying again every second (the transport says once that Kafka is out of reach, this member
     * once that Kafka refuses it); false when the member was stopped meanwhile.
     */
    private boolean awaitTopic() {
        boolean refusalReported = false;
        while (running && !topicReady) {
            try {
                transport.ensureTopic(topic);
                topicReady = true;
                LOG.info("Consuming topic {} as group {}", topic, binding.group());
            } catch (RetryableException | IllegalStateException unreachableOrRefused) {
                // a refusal (credentials, certificates) after a start without Kafka: said once, tried on, so that
                // the member attaches once the broker accepts it (a user created, a certificate renewed)
                if (unreachableOrRefused instanceof IllegalStateException && !refusalReported) {
                    LOG.error("Kafka consumer {} of topic {} in group {} cannot attach: {}", binding.consumerName(),
                            topic, binding.group(), unreachableOrRefused.getMessage());
                    refusalReported = true;
                }
                try {
                    Thread.sleep(TOPIC_RETRY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return running;
    }

    /**
     * The loop thread: a consumer until the member stops. A consumer that fails (the broker refusing the group or the
     * topic to this user, a record the client cannot read, a fenced static member) is closed, its partitions go to
     * the next owner, and after a pause a new consumer joins the group: the member never stops consuming by itself
     * while its route runs. The pause starts at {@value #RESTART_PAUSE_MIN_MILLIS} ms and doubles up to
     * {@value #RESTART_PAUSE_MAX_MILLIS} ms while consumers keep failing within that time.
     */
    private void poll() {
        long pause = RESTART_PAUSE_MIN_MILLIS;
        while (awaitTopic()) {
            long started = System.nanoTime();
            try {
                consumeUntilStopped();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    LOG.warn("Kafka consumer {} of topic {} in group {} failed while stopping; its unsettled records"
                            + " go to the next owner: {}", binding.consumerName(), topic, binding.group(),
                            e.getMessage(), e);
                    return;
                }
                if (System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(RESTART_PAUSE_MAX_MILLIS)) {
                    pause = RESTART_PAUSE_MIN_MILLIS;
                }
                String failed = "Kafka consumer {} of topic {} in group {} failed; its unsettled records go to the"
                        + " next owner, and a new consumer joins the group in {} ms: {}";
                if (pause == RESTART_PAUSE_MIN_MILLIS) {
                    LOG.error(failed, binding.consumerName(), topic, binding.group(), pause, e.getMessage(), e);
                } else { // the same failure again, most likely: its stack trace was logged at the first
                    LOG.error(failed, binding.consumerName(), topic, binding.group(), pause, e.toString());
                }
                if (!pauseWhileRunning(pause)) {
                    return;
                }
                pause = Math.min(pause * 2, RESTART_PAUSE_MAX_MILLIS);
            }
        }
    }

    /** Sleeps {@code millis}, waking early when the member stops; false when it stopped. */
    private boolean pauseWhileRunning(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (running && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running;
    }

    /** One consumer in the group: polls until the member stops, then leaves; throws what the consumer failed with. */
    private void consumeUntilStopped() {
        Properties props = settings.consumerProperties(binding.consumerName(), binding.group());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic), new Rebalance(consumer));
            boolean paused = false;
            long lastCommit = 0;
            while (running) {
                if (buffered.get() >= maxBuffered) {
                    consumer.pause(consumer.assignment());
                    paused = true;
                } else if (paused && buffered.get() <= maxBuffered / 2) {
                    consumer.resume(consumer.paused());
                    paused = false;
                }
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(
                            Duration.ofMillis(paused ? PAUSED_POLL_MILLIS : settings.pollTimeoutMillis()));
                } catch (WakeupException e) {
                    continue;
                } catch (OffsetOutOfRangeException e) {
                    continueFromLogStart(consumer, e.offsetOutOfRangePartitions());
                    continue;
                } catch (NoOffsetForPartitionException e) {
                    seekToStartPosition(consumer, e.partitions());
                    continue;
                }
                for (TopicPartition partition : records.partitions()) {
                    PartitionOffsets offsets = owned.get(partition);
                    if (offsets == null) {
                        continue;
                    }
                    List<ConsumerRecord<String, byte[]>> fetched = records.records(partition);
                    offsets.fetched(fetched);
                    buffered.addAndGet(fetched.size());
                    for (ConsumerRecord<String, byte[]> record : fetched) {
                        fresh.add(new Dispatch(record, offsets, 0, true));
                    }
                }
                long now = System.nanoTime();
                if (now - lastCommit >= TimeUnit.MILLISECONDS.toNanos(settings.commitIntervalMillis())) {
                    commitAsync(consumer);
                    lastCommit = now;
                }
            }
            leave(consumer);
        } finally {
            owned.values().forEach(PartitionOffsets::close);
            owned.clear();
        }
    }

    /**
     * The broker no longer has the offsets the group was about to read: reports each partition's skipped records
     * and continues from the oldest record the broker still has.
     */
    private void continueFromLogStart(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> outOfRange) {
        Duration timeout = Duration.ofMillis(settings.requestTimeoutMillis());
        Map<TopicPartition, Long> start = consumer.beginningOffsets(outOfRange.keySet(), timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(outOfRange.keySet(), timeout);
        outOfRange.forEach((tp, offset) -> {
            long logStart = start.get(tp);
            if (offset < logStart) {
                long skipped = logStart - offset;
                LOG.error("Kafka topic {} partition {}: group {} lost {} records it had not read (offsets {} to {}):"
                        + " the broker deleted them (retention.ms / retention.bytes of the topic) before the group"
                        + " got there; continuing from offset {}", tp.topic(), tp.partition(), binding.group(),
                        skipped, offset, logStart - 1, logStart);
                handler.onSkipped(skipped);
            } else {
                LOG.error("Kafka topic {} partition {}: group {} was at offset {}, beyond the end of the log ({}):"
                        + " the topic was deleted and created again, or its log truncated; reading the partition"
                        + " again from offset {}", tp.topic(), tp.partition(), binding.group(), offset,
                        end.get(tp), logStart);
            }
            consumer.seek(tp, logStart);
        });
    }

    /** Partitions the group has no committed offset for start at the binding's start position. */
    private void seekToStartPosition(KafkaConsumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
        if (binding.startPosition() == StartPosition.LATEST) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
    }

    /** Graceful end: no new deliveries, wait for in-flight ones, commit synchronously, then close (leave). */
    private void leave(KafkaConsumer<String, byte[]> consumer) {
        Collection<PartitionOffsets> all = List.copyOf(owned.values());
        all.forEach(PartitionOffsets::closing);
        awaitInFlight(all);
        commitSync(consumer, all);
        all.forEach(PartitionOffsets::close);
    }

    private void awaitInFlight(Collection<PartitionOffsets> partitions) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.settleTimeoutMillis());
        while (partitions.stream().anyMatch(p -> p.inFlight() > 0) && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void commitAsync(KafkaConsumer<String, byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (PartitionOffsets offsets : owned.values()) {
            OffsetAndMetadata commit = offsets.takeCommit();
            if (commit != null) {
                commits.put(offsets.partition(), commit);
            }
        }
        if (commits.isEmpty()) {
            return;
        }
        consumer.commitAsync(commits, (offsets, error) -> {
            if (error != null) {
                LOG.warn("Committing offsets of topic {} for group {} failed, retrying with the next commit: {}",
                        topic, binding.group(), error.getMessage());
                offsets.forEach((tp, om) -> {
                    PartitionOffsets p = owned.get(tp);
                    if (p != null) {
                        p.commitFailed(om.offset());
                    }
                });
            }
        });
    }

    /** The commit of an orderly hand-over: settled offsets, no delivery counts (see {@link PartitionOffsets}). */
    private void commitSync(KafkaConsumer<String, byte[]> consumer, Collection<PartitionOffsets> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (PartitionOffsets offsets : partitions) {
            OffsetAndMetadata commit = offsets.takeHandOverCommit();
            if (commit != null) {
                commits.put(offsets.partition(), commit);
            }
        }
        if (commits.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(commits, Duration.ofMillis(settings.requestTimeoutMillis()));
        } catch (KafkaException e) {
            // the next owner starts from the previous commit: records settled since are processed again
            LOG.warn("Committing offsets {} of group {} failed: {}", commits, binding.group(), e.getMessage());
        }
    }

    /** Partition ownership changes, called by the consumer on the loop thread during {@code poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> consumer;

        Rebalance(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions),
                    Duration.ofMillis(settings.requestTimeoutMillis()));
            List<TopicPartition> uncommitted = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                owned.put(tp, new PartitionOffsets(tp, committed.get(tp)));
                if (committed.get(tp) == null) {
                    uncommitted.add(tp);
                }
            }
            if (!uncommitted.isEmpty()) {
                seekToStartPosition(consumer, uncommitted);
            }
            LOG.info("{} of group {} now owns {}", binding.consumerName(), binding.group(), partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            List<PartitionOffsets> revoked = partitions.stream().map(owned::get).filter(p -> p != null).toList();
            revoked.forEach(PartitionOffsets::closing);
            awaitInFlight(revoked);
            commitSync(consumer, revoked);
            revoked.forEach(PartitionOffsets::close);
            partitions.forEach(owned::remove);
            if (!partitions.isEmpty()) {
                LOG.info("{} of group {} handed over {}", binding.consumerName(), binding.group(), partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionOffsets lost = owned.remove(tp);
                if (lost != null) {
                    lost.close();
                }
            }
            LOG.warn("{} of group {} lost {} without committing; their unsettled records are redelivered",
                    binding.consumerName(), binding.group(), partitions);
        }
    }

    // ------------------------------------------------------------------ what the workers take

    /**
     * A worker's next delivery: the next record due ({@link #nextDue}); null when none came, or when its partition
     * is being handed over or no longer holds it unsettled.
     */
    private KafkaDelivery next(long timeout, TimeUnit unit) throws InterruptedException {
        Dispatch next = nextDue(unit.toMillis(timeout));
        if (next == null) {
            return null;
        }
        if (next.fresh) {
            buffered.decrementAndGet();
        }
        int count = next.offsets.beginDelivery(next.record.offset());
        if (count == 0) {
            return null;
        }
        return new KafkaDelivery(next.record, next.offsets, count, () -> {
            awaitingRedelivery.incrementAndGet();
            redeliveries.add(new Dispatch(next.record, next.offsets,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(binding.redeliveryDelay()), false));
        });
    }

    /**
     * The next record to deliver: a rejected one whose redelivery delay is over, else the oldest fresh one, waiting
     * for one at most until the first redelivery is due. Two queues, not one {@link DelayQueue} for all: fresh records
     * are due at once, and a plain queue hands them over without the priority heap and its lock for every record.
     */
    private Dispatch nextDue(long waitMillis) throws InterruptedException {
        long wait = waitMillis;
        if (awaitingRedelivery.get() > 0) {
            Dispatch due = redeliveries.poll();
            if (due != null) {
                awaitingRedelivery.decrementAndGet();
                return due;
            }
            Dispatch first = redeliveries.peek();
            if (first != null) {
                wait = Math.max(1, Math.min(wait, first.getDelay(TimeUnit.MILLISECONDS)));
            }
        }
        return fresh.poll(wait, TimeUnit.MILLISECONDS);
    }

    /** A record waiting for a worker: fresh ones are due when fetched, rejected ones after the redelivery delay. */
    private static final class Dispatch implements Delayed {
        final ConsumerRecord<String, byte[]> record;
        final PartitionOffsets offsets;
        final long dueNanos;
        final long sequence = SEQUENCE.incrementAndGet();
        final boolean fresh;

        Dispatch(ConsumerRecord<String, byte[]> record, PartitionOffsets offsets, long dueNanos, boolean fresh) {
            this.record = record;
            this.offsets = offsets;
            this.dueNanos = dueNanos;
            this.fresh = fresh;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Dispatch that = (Dispatch) other;
            if (dueNanos != that.dueNanos) {
                return dueNanos - that.dueNanos < 0 ? -1 : 1;
            }
            return Long.compare(sequence, that.sequence);
        }
    }
}
