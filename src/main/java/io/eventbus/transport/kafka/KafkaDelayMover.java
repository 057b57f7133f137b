package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.DeliverAt;

/**
 * Delayed delivery over Kafka: delay topics by bucket, and a mover that re-publishes their records when due.
 * <ul>
 * <li><b>Buckets.</b> A record still to wait {@code R} ms goes to {@code <topic>.delay.<B>}, where {@code B} is the
 * largest of the buckets 100 ms × 4^k (100, 400, 1600, 6400, 25600, ... up to about 29 hours) not above {@code R}
 * (100 ms when {@code R} is less). Every record of a bucket waits the same {@code B} after it was appended, and the
 * delay topics use the broker's append time ({@code message.timestamp.type=LogAppendTime}), so in each partition the
 * head is always the first due: the mover never needs to look past it.</li>
 * <li><b>Waiting.</b> The head of a partition is held until {@code min(deliver_at, append time + B)}; meanwhile the
 * partition is paused, so the mover fetches nothing more from it and polls at most every {@value #MAX_POLL_MILLIS}
 * ms (sooner when a head is due sooner) instead of spinning.</li>
 * <li><b>Moving.</b> A held record whose {@code deliver_at} has come is published to {@code <topic>}; one still early
 * (a long delay goes through several buckets, from the largest down) to the bucket of what remains. Key, value and
 * headers are kept. The mover commits a partition's offset only after the producer ({@code acks=all}, idempotent)
 * acknowledged every record re-published from it, so a crash or a lost partition re-publishes rather than loses;
 * consumers see such an event twice at worst, as after any redelivery.</li>
 * <li><b>Who moves.</b> The movers of all processes on the cluster form the consumer group {@value #GROUP},
 * subscribed to every topic named {@code <topic>.delay.<digits>}; Kafka splits the delay partitions among them, so
 * each record is moved by one of them at a time. A transport starts its mover when it first publishes a delayed event,
 * and when it binds a consumer of a topic that has delay topics on the broker (so a restarted consumer moves what a
 * publisher left behind): a transport that never meets a delayed event adds no consumer to the cluster.</li>
 * <li><b>Failures.</b> A re-publish that fails (broker unreachable, topic not creatable) is not committed: the mover
 * rewinds the partitions of that batch to their first record not yet committed and tries again after
 * {@value #RETRY_MILLIS} ms.</li>
 * </ul>
 * A record arrives on its topic about one poll (up to {@value #MAX_POLL_MILLIS} ms) plus one acknowledged publish per
 * bucket after it is due, never before.
 */
final class KafkaDelayMover implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDelayMover.class);
    static final String GROUP = "eventbus-delay-mover";
    static final long FIRST_BUCKET_MILLIS = 100;
    static final int BUCKETS = 11;
    private static final Pattern DELAY_TOPIC = Pattern.compile("(.+)\\.delay\\.(\\d+)");
    private static final long MAX_POLL_MILLIS = 100;
    private static final long RETRY_MILLIS = 500;

    private final KafkaTransport transport;
    private final KafkaSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    private final String clientId;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    /** Fetched records not yet moved, per partition, in offset order. Only the mover's thread touches it. */
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> held = new HashMap<>();

    KafkaDelayMover(KafkaTransport transport, KafkaSettings settings, KafkaProducer<String, byte[]> producer,
            String clientId) {
        this.transport = transport;
        this.settings = settings;
        this.producer = producer;
        this.clientId = clientId;
    }

    /** The bucket of a record still to wait {@code remainingMillis}: the largest 100 ms × 4^k not above it. */
    static long bucketFor(long remainingMillis) {
        long bucket = FIRST_BUCKET_MILLIS;
        for (int k = 1; k < BUCKETS && bucket * 4 <= remainingMillis; k++) {
            bucket *= 4;
        }
        return bucket;
    }

    /** The delay topic of a topic's records waiting {@code bucketMillis}. */
    static String delayTopic(String topic, long bucketMillis) {
        return topic + ".delay." + bucketMillis;
    }

    /** Whether the name is a delay topic of {@code topic}. */
    static boolean isDelayTopicOf(String name, String topic) {
        Matcher m = DELAY_TOPIC.matcher(name);
        return m.matches() && m.group(1).equals(topic);
    }

    /** Starts the mover unless it runs; it stops when the transport closes. */
    void start() {
        if (!running || !started.compareAndSet(false, true)) {
            return;
        }
        thread = new Thread(this::run, "bus-kafka-delay-mover");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Kafka delay mover started (group {})", GROUP);
    }

    private void run() {
        Properties props = settings.consumerProperties(clientId + "-delay-mover", GROUP);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a delay topic another process created is found within a second or so, not after the default five minutes
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(props)) {
            consumer = kafka;
            kafka.subscribe(DELAY_TOPIC, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // not committed: the next owner reads them again
                    partitions.forEach(held::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            while (running) {
                long wait = moveDue(kafka);
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(wait))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    held.computeIfAbsent(partition, p -> new ArrayDeque<>()).add(record);
                }
                // a partition with records held fetches nothing more until they are moved
                List<TopicPartition> holding = new ArrayList<>();
                held.forEach((partition, records) -> {
                    if (!records.isEmpty()) {
                        holding.add(partition);
                    }
                });
                kafka.pause(holding);
            }
        } catch (WakeupException closing) {
            // close() woke the poll up
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("Kafka delay mover stopped: {}", e.getMessage(), e);
            }
        } finally {
            consumer = null;
        }
    }

    /**
     * Re-publishes every held record that is due, waits for the acknowledgements, commits; returns how long the
     * next poll may wait.
     */
    private long moveDue(KafkaConsumer<String, byte[]> kafka) {
        long now = System.currentTimeMillis();
        long wait = MAX_POLL_MILLIS;
        List<Future<?>> sends = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
        Map<TopicPartition, Long> firstMoved = new HashMap<>();
        List<TopicPartition> emptied = new ArrayList<>();
        try {
            for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> entry : held.entrySet()) {
                ArrayDeque<ConsumerRecord<String, byte[]>> records = entry.getValue();
                while (!records.isEmpty() && holdUntil(records.peek()) <= now) {
                    ConsumerRecord<String, byte[]> record = records.poll();
                    firstMoved.putIfAbsent(entry.getKey(), record.offset());
                    sends.add(producer.send(next(record, now)));
                    moved.put(entry.getKey(), new OffsetAndMetadata(record.offset() + 1));
                }
                if (records.isEmpty()) {
                    emptied.add(entry.getKey());
                } else {
                    wait = Math.min(wait, Math.max(1, holdUntil(records.peek()) - now));
                }
            }
            for (Future<?> send : sends) {
                send.get(settings.requestTimeoutMillis() * 2, TimeUnit.MILLISECONDS);
            }
            if (!moved.isEmpty()) {
                kafka.commitSync(moved);
            }
        } catch (WakeupException closing) {
            throw closing;
        } catch (Exception e) {
            LOG.warn("Kafka delay mover could not re-publish {} due records ({}); trying again in {} ms",
                    sends.size(), e.getMessage(), RETRY_MILLIS);
            // rewind what this round took: nothing of it was committed, so it is moved again, never lost
            firstMoved.forEach((partition, offset) -> {
                held.remove(partition);
                kafka.seek(partition, offset);
            });
            kafka.resume(firstMoved.keySet());
            sleep(RETRY_MILLIS);
            return 1;
        }
        emptied.forEach(held::remove);
        kafka.resume(emptied);
        return wait;
    }

    /** When a delay record is released: at its due time, or when its bucket's wait is over, whichever is first. */
    private static long holdUntil(ConsumerRecord<String, byte[]> record) {
        long due = dueOf(record);
        long bucketEnd = record.timestamp() + bucketOf(record.topic());
        return due > 0 ? Math.min(due, bucketEnd) : bucketEnd;
    }

    /** The record to publish for a released delay record: to its topic when due, else to the bucket of the rest. */
    private ProducerRecord<String, byte[]> next(ConsumerRecord<String, byte[]> record, long now) {
        Matcher m = DELAY_TOPIC.matcher(record.topic());
        if (!m.matches()) {
            throw new IllegalStateException("not a delay topic: " + record.topic());
        }
        String target = m.group(1);
        long remaining = dueOf(record) - now;
        String destination;
        if (remaining > 0) {
            destination = delayTopic(target, bucketFor(remaining));
            transport.ensureDelayTopic(destination);
        } else {
            destination = target;
            transport.ensureTopic(target);
        }
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(destination, record.key(), record.value());
        for (Header header : record.headers()) {
            out.headers().add(header);
        }
        return out;
    }

    private static long dueOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(DeliverAt.HEADER);
        if (header == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException notOurs) {
            return 0;
        }
    }

    private static long bucketOf(String delayTopic) {
        Matcher m = DELAY_TOPIC.matcher(delayTopic);
        return m.matches() ? Long.parseLong(m.group(2)) : FIRST_BUCKET_MILLIS;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> polling = consumer;
        if (polling != null) {
            polling.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(settings.requestTimeoutMillis() * 2 + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
