package io.eventbus.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.DeadLetterSlice;
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
    /** One order across partitions: the time each dead letter was written, then its place in its partition. */
    private static final Comparator<ConsumerRecord<String, byte[]>> OLDEST_FIRST = Comparator
            .<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::timestamp)
            .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset);

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
        List<TopicPartition> partitions = partitionsOf(deadLetterTopic);
        String settledTopic = settledTopicOf(deadLetterTopic);
        Set<String> settled = settled(deadLetterTopic);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(partitions)) {
            if (!settled.contains(position(record))) {
                records.add(record);
            }
        }
        // one order across partitions: the time each dead letter was written, then its place in its partition
        records.sort(OLDEST_FIRST);
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

    /**
     * Reads the page's records alone. The cursor is each partition's offset to read below
     * ({@code 0:1520,1:1498}); each partition is read down from it, {@code count + 1} records at a time, until it
     * gave that many unsettled records or has none left, and the newest {@code count} of them all, by the time they
     * were written, make the page. The settled facts of the companion topic are read whole (it is compacted: one
     * small record per replayed or purged dead letter).
     */
    @Override
    public DeadLetterSlice newest(String deadLetterTopic, String before, int count, int browseLimit)
            throws Exception {
        List<TopicPartition> partitions = partitionsOf(deadLetterTopic);
        Set<String> settled = settled(deadLetterTopic);
        Map<TopicPartition, Long> begin = transport.offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = transport.offsets(partitions, OffsetSpec.latest());
        Map<Integer, Long> upper = parseCursor(before, end);
        Map<Integer, Long> readDownTo = new HashMap<>(upper);
        Map<Integer, Integer> found = new HashMap<>();
        List<ConsumerRecord<String, byte[]>> candidates = new ArrayList<>();
        while (true) {
            Map<TopicPartition, long[]> ranges = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long hi = readDownTo.get(tp.partition());
                long lo = Math.max(begin.get(tp), hi - (count + 1));
                if (lo < hi && found.getOrDefault(tp.partition(), 0) <= count) {
                    ranges.put(tp, new long[] {lo, hi});
                }
            }
            if (ranges.isEmpty()) {
                break;
            }
            for (ConsumerRecord<String, byte[]> record : readRanges(ranges)) {
                if (!settled.contains(position(record))) {
                    candidates.add(record);
                    found.merge(record.partition(), 1, Integer::sum);
                }
            }
            ranges.forEach((tp, range) -> readDownTo.put(tp.partition(), range[0]));
        }
        candidates.sort(OLDEST_FIRST.reversed());
        Map<Integer, Long> cursor = new TreeMap<>(upper);
        List<DeadLetterSlice.Item> items = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : candidates.subList(0, Math.min(count, candidates.size()))) {
            cursor.merge(record.partition(), record.offset(), Math::min);
            items.add(new DeadLetterSlice.Item(new StoredDeadLetter(position(record),
                    record.value() == null ? new byte[0] : record.value()), formatCursor(cursor)));
        }
        long total = 0;
        for (TopicPartition tp : partitions) {
            total += end.get(tp) - begin.get(tp);
        }
        for (String position : settled) {
            int colon = position.indexOf(':');
            TopicPartition tp = new TopicPartition(deadLetterTopic, Integer.parseInt(position.substring(0, colon)));
            long offset = Long.parseLong(position.substring(colon + 1));
            if (begin.containsKey(tp) && offset >= begin.get(tp) && offset < end.get(tp)) {
                total--;
            }
        }
        return new DeadLetterSlice(items, candidates.size() > count, total);
    }

    /** The cursor's offset per partition; every partition's end offset when there is no cursor. */
    private static Map<Integer, Long> parseCursor(String cursor, Map<TopicPartition, Long> end) {
        Map<Integer, Long> upper = new TreeMap<>();
        end.forEach((tp, offset) -> upper.put(tp.partition(), offset));
        if (cursor == null) {
            return upper;
        }
        try {
            for (String part : cursor.split(",")) {
                int colon = part.indexOf(':');
                int partition = Integer.parseInt(part.substring(0, colon));
                if (!upper.containsKey(partition)) {
                    throw new IllegalArgumentException("partition " + partition + " does not exist");
                }
                upper.put(partition, Math.min(upper.get(partition), Long.parseLong(part.substring(colon + 1))));
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("before: expected a Kafka cursor such as 0:1520,1:1498 but was \""
                    + cursor + "\"" + (e instanceof IllegalArgumentException && e.getMessage() != null
                    && e.getMessage().startsWith("partition") ? " (" + e.getMessage() + ")" : ""));
        }
        return upper;
    }

    private static String formatCursor(Map<Integer, Long> cursor) {
        StringBuilder text = new StringBuilder();
        cursor.forEach((partition, offset) -> text.append(text.length() == 0 ? "" : ",").append(partition).append(':')
                .append(offset));
        return text.toString();
    }

    private List<TopicPartition> partitionsOf(String deadLetterTopic) throws Exception {
        List<TopicPartition> partitions = transport.partitionsOf(deadLetterTopic);
        if (partitions == null) {
            throw new IllegalArgumentException("no dead-letter topic " + deadLetterTopic + " on Kafka at "
                    + settings.bootstrapServers() + " (nothing was dead-lettered there)");
        }
        return partitions;
    }

    /** The positions of the dead letters removed so far, from the companion topic. */
    private Set<String> settled(String deadLetterTopic) throws Exception {
        Set<String> settled = new HashSet<>();
        List<TopicPartition> settledPartitions = transport.partitionsOf(settledTopicOf(deadLetterTopic));
        if (settledPartitions != null) {
            for (ConsumerRecord<String, byte[]> record : readAll(settledPartitions)) {
                settled.add(record.key());
            }
        }
        return settled;
    }

    /** Every record of the partitions up to their end offsets now, read without a group. */
    private List<ConsumerRecord<String, byte[]>> readAll(List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, Long> begin = transport.offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> end = transport.offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, long[]> ranges = new HashMap<>();
        for (TopicPartition tp : partitions) {
            ranges.put(tp, new long[] {begin.get(tp), end.get(tp)});
        }
        return readRanges(ranges);
    }

    /** The records of each partition from the range's first offset to before its second, read without a group. */
    private List<ConsumerRecord<String, byte[]>> readRanges(Map<TopicPartition, long[]> ranges) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>(ranges.keySet());
        Map<TopicPartition, Long> end = new HashMap<>();
        ranges.forEach((tp, range) -> end.put(tp, range[1]));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        String clientId = "eventbus-dlq-browser-" + ProcessHandle.current().pid() + "-" + BROWSERS.incrementAndGet();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.browserProperties(clientId))) {
            consumer.assign(partitions);
            ranges.forEach((tp, range) -> consumer.seek(tp, range[0]));
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
