package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.AwaitingReplies;
import io.eventbus.transport.RequestReplyTransport;

/**
 * Request-reply of the {@code kafka} transport: the replies to one running instance's requests arrive on a topic of
 * its own, {@code eventbus.replies.<host>-<pid>-<random>}, one partition, which its requests name in their
 * {@code reply_to} header.
 * <p>
 * <b>Why a topic per instance</b>, not one shared reply topic: with a shared topic every instance reads every
 * instance's replies and drops the others' (traffic and latency growing with the number of instances), or each
 * instance must own partitions of it, which takes either a consumer group (a rebalance whenever an instance starts
 * or stops, during which replies wait) or partition numbers handed out by hand. A topic of its own is read by
 * {@code assign} without any group — no coordinator, no rebalance, no committed offsets left behind — and holds
 * nothing anybody else needs. The cost is a topic creation at the first request (tens of milliseconds on a healthy
 * cluster) and the right to create and delete topics named {@code eventbus.replies.*} (a prefixed ACL).
 * <ul>
 * <li><b>Reading</b>: one thread, started with the first request, creates the topic ({@code retention.ms} and
 * {@code segment.ms} of {@value #RETENTION_MILLIS} ms, so that replies do not pile up), assigns its partition from
 * the beginning (it is new: everything in it is for this instance) and hands each reply to the request with its
 * {@code correlation_id} ({@link AwaitingReplies}); a reply nobody waits for any more is dropped.</li>
 * <li><b>Replying</b>: the replier publishes the reply through the transport's producer without waiting for the
 * acknowledgement (a reply is not persisted, like RabbitMQ's direct reply-to), to a reply topic it has seen exist in
 * the last {@value #EXISTENCE_MILLIS} ms: a reply to an instance that closed is dropped, instead of waiting for
 * metadata of a deleted topic or having a broker with {@code auto.create.topics.enable} re-create it. It writes only
 * to names of reply topics, so a {@code reply_to} cannot make it write into a topic of events.</li>
 * <li><b>Closing</b>: the reader stops, the waiting requests fail at once, and the topic is deleted. An instance
 * that dies leaves its topic behind, emptied by retention; {@code kafka-topics --delete} removes it.</li>
 * </ul>
 */
final class KafkaReplies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReplies.class);
    /** Retention and segment time of a reply topic: far above any sensible requestTimeout. */
    static final long RETENTION_MILLIS = 300_000;
    /** How long a replier trusts that a reply topic it has seen still exists. */
    static final long EXISTENCE_MILLIS = 10_000;
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaTransport transport;
    private final KafkaSettings settings;
    private final String clientId;
    private final String topic = AwaitingReplies.newReplyName();
    private final AwaitingReplies awaiting = new AwaitingReplies();
    /** Completes once the reader is positioned on the reply topic: requests may go out from then on. */
    private CompletableFuture<Void> ready;
    private volatile boolean closed;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread reader;

    KafkaReplies(KafkaTransport transport, KafkaSettings settings, String clientId) {
        this.transport = transport;
        this.settings = settings;
        this.clientId = clientId;
    }

    /** The topic this instance's replies arrive on: its requests' {@code reply_to}. */
    String topic() {
        return topic;
    }

    /**
     * Registers a request about to be published; the first one creates the reply topic and starts the reader,
     * waiting up to the request timeout for it.
     */
    CompletableFuture<byte[]> expect(String correlationId, long timeoutMillis) throws Exception {
        CompletableFuture<Void> started = startReading();
        try {
            started.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("the reply topic " + topic + " was not ready within " + timeoutMillis + " ms");
        }
        return awaiting.expect(correlationId);
    }

    byte[] await(String correlationId, CompletableFuture<byte[]> reply, long timeoutMillis) throws Exception {
        return awaiting.await(correlationId, reply, timeoutMillis);
    }

    void forget(String correlationId, CompletableFuture<byte[]> reply) {
        awaiting.forget(correlationId, reply);
    }

    private synchronized CompletableFuture<Void> startReading() {
        if (closed) {
            throw new IllegalStateException("the kafka transport is closed");
        }
        if (ready == null || ready.isCompletedExceptionally()) {
            ready = new CompletableFuture<>();
            CompletableFuture<Void> started = ready;
            reader = new Thread(() -> read(started), "kafka-replies-" + topic);
            reader.setDaemon(true);
            reader.start();
        }
        return ready;
    }

    private void read(CompletableFuture<Void> started) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try {
            transport.ensureReplyTopic(topic, RETENTION_MILLIS);
            Properties props = settings.browserProperties(clientId + "-replies");
            // a reply is answered as soon as it is there, whatever the members' batching asks
            props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
            consumer = new KafkaConsumer<>(props);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.position(partition);
        } catch (Exception e) {
            closeConsumer();
            started.completeExceptionally(e);
            return;
        }
        started.complete(null);
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    Header correlationId = record.headers().lastHeader(RequestReplyTransport.CORRELATION_ID);
                    if (correlationId != null && correlationId.value() != null && record.value() != null) {
                        awaiting.complete(new String(correlationId.value(), StandardCharsets.UTF_8), record.value());
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("Reading the reply topic {} failed; requests will time out until the transport is "
                        + "re-created: {}", topic, e.getMessage(), e);
                awaiting.failAll("reading the reply topic " + topic + " failed: " + e.getMessage());
            }
        } finally {
            closeConsumer();
        }
    }

    private void closeConsumer() {
        KafkaConsumer<String, byte[]> open = consumer;
        if (open != null) {
            consumer = null;
            open.close(Duration.ofSeconds(2));
        }
    }

    /** Stops the reader, fails the waiting requests and deletes the reply topic, when it was created. */
    @Override
    public void close() {
        Thread stopping;
        synchronized (this) {
            closed = true;
            stopping = reader;
        }
        if (stopping == null) {
            return;
        }
        KafkaConsumer<String, byte[]> open = consumer;
        if (open != null) {
            open.wakeup();
        }
        try {
            stopping.join(settings.requestTimeoutMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaiting.failAll("the kafka transport closed before the reply came");
        transport.deleteReplyTopic(topic);
    }
}
