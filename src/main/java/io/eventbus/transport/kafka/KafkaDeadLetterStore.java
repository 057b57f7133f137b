package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.DeadLetterSnapshot;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.StoredDeadLetter;

/**
 * Dead letters of the Kafka transport: the topic {@code <topic>.dlq} read by offsets — a consumer of no group,
 * {@code assign} + {@code seekToBeginning}, up to the end offsets taken when the browse starts — so no group's
 * committed position moves and nothing is consumed. Positions are {@code partition:offset}.
 * <p>
 * Kafka cannot delete one record. A removal (a confirmed replay, a parked copy, a purge) is therefore recorded in
 * the companion compacted topic {@code <topic>.dlq.settled}, keyed by the record's {@code partition:offset}, and
 * browsing hides settled records. The records themselves stay in {@code <topic>.dlq} until its retention removes
 * them, so a consumer group reading the dead-letter topic directly still receives replayed and purged ones.
 */
final class KafkaDeadLetterStore implements DeadLetterStore {

    static final String SETTLED_SUFFIX = ".settled";
    private static final AtomicInteger BROWSERS = new AtomicInteger();

    private final KafkaTransport transport;
    private final KafkaSettings settings;

    KafkaDeadLetterStore(KafkaTransport transport, KafkaSettings settings) {
        this.transport = transport;
        this.settings = settings;
    }

    static String settledTopicOf(String deadLetterTopic) {
        return deadLetterTopic + SETTLED_SUFFIX;
    }

    @Override
    public DeadLetterBrowse browse(String deadLetterTopic, int limit) throws Exception {
        List<TopicPartition> partitions = transport.partitionsOf(deadLetterTopic);
        if (partitions == null) {
            throw new IllegalArgumentException("no dead-letter topic " + deadLetterTopic + " on Kafka at "
                    + settings.bootstrapServers() + " (nothing was dead-lettered there)");
        }
        Set<String> settled = new HashSet<>();
        String settledTopic = settledTopicOf(deadLetterTopic);
        List<TopicPartition> settledPartitions = transport.partitionsOf(settledTopic);
        if (settledPartitions != null) {
            for (ConsumerRecord<String, byte[]> record : readAll(settledPartitions)) {
                settled.add(record.key());
            }
        }
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(partitions)) {
            if (!settled.contains(position(record))) {
                records.add(record);
            }
        }
        // one order across partitions: the time each dead letter was written, then its place in its partition
        records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::timestamp)
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        boolean truncated = records.size() > limit;
        List<StoredDeadLetter> entries = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records.subList(0, Math.min(limit, records.size()))) {
            entries.add(new StoredDeadLetter(position(record), record.value() == null ? new byte[0] : record.value()));
        }
        return new DeadLetterSnapshot(entries, truncated) {
            /** Records the settlement in the compacted topic and waits for the broker's acknowledgement. */
            @Override
            protected void removeAtBroker(StoredDeadLetter entry) throws Exception {
                transport.ensureCompactedTopic(settledTopic);
                byte[] fact = ("{\"settled_at\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
                transport.bindProducer(settledTopic).publish(new OutboundMessage(entry.position(), fact,
                        Map.of("content_type", "application/json")));
            }
        };
    }

    /** Every record of the partitions up to their end offsets now, read without a group. */
    private List<ConsumerRecord<String, byte[]>> readAll(List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, Long> end = transport.offsets(partitions, OffsetSpec.latest());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        String clientId = "eventbus-dlq-browser-" + ProcessHandle.current().pid() + "-" + BROWSERS.incrementAndGet();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.browserProperties(clientId))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMillis(settings.requestTimeoutMillis()).toNanos();
            while (!reachedEnd(consumer, partitions, end)) {
                int before = records.size();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
                if (records.size() > before) {
                    deadline = System.nanoTime() + Duration.ofMillis(settings.requestTimeoutMillis()).toNanos();
                } else if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("reading " + partitions.get(0).topic() + " on Kafka at "
                            + settings.bootstrapServers() + " made no progress for " + settings.requestTimeoutMillis()
                            + " ms (eventbus.kafka.request-timeout)");
                }
            }
        }
        return records;
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static String position(ConsumerRecord<String, byte[]> record) {
        return record.partition() + ":" + record.offset();
    }
}
