package io.eventbus.transport.kafka;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What one group member knows about one partition it owns: the records fetched and not yet settled, how many
 * times each was delivered, and the offset it may commit — the lowest unsettled offset, or the one after the last
 * record fetched when all are settled. Deliveries settle in any order (concurrency, redelivery); the commit never
 * passes an unsettled record, so a crash replays from the oldest unfinished record and nothing is skipped.
 * <p>
 * Delivery counts of unsettled records travel in the periodic commits' metadata
 * ({@code eventbus-dc:offset=count,...}), so that after a crash the next owner of the partition continues counting:
 * an event that kills its consumer every time is still dead-lettered after {@code maxDeliveries}, instead of
 * crash-looping the group. Limits: counts of deliveries begun after the last periodic commit are lost with the crash,
 * and the metadata holds at most {@link #MAX_COUNTS_IN_METADATA} counts. An orderly hand-over (revocation in a
 * rebalance, a stopped consumer) commits without counts: the member, not the event, gave up, and the next owner
 * starts each event with a fresh budget of deliveries — so a fixed consumer replacing failing ones processes what
 * they rejected instead of dead-lettering it.
 * <p>
 * Thread-safe: the consumer loop fetches and commits, workers begin and settle deliveries.
 */
final class PartitionOffsets {

    static final String METADATA_PREFIX = "eventbus-dc:";
    /** Keeps the metadata under the broker's default {@code offset.metadata.max.bytes} of 4096. */
    static final int MAX_COUNTS_IN_METADATA = 200;

    private enum State { OWNED, CLOSING, CLOSED }

    private final TopicPartition partition;
    /** Fetched, not settled: offset to deliveries so far (0 until first delivered). */
    private final TreeMap<Long, Integer> unsettled = new TreeMap<>();
    /** Delivery counts the previous owner committed, for records not fetched yet by this member. */
    private final Map<Long, Integer> inheritedCounts;
    private State state = State.OWNED;
    private long nextOffset = -1;
    private long committed;
    private boolean countsChanged;
    /** Whether the last commit (this member's, or the previous owner's) carried delivery counts. */
    private boolean committedCounts;
    private int inFlight;

    /**
     * @param committed the group's committed offset and metadata for the partition when it was assigned, or null
     */
    PartitionOffsets(TopicPartition partition, OffsetAndMetadata committed) {
        this.partition = partition;
        this.committed = committed == null ? -1 : committed.offset();
        this.inheritedCounts = committed == null ? Map.of() : parseCounts(committed.metadata());
        this.committedCounts = !inheritedCounts.isEmpty();
    }

    TopicPartition partition() {
        return partition;
    }

    /** Records of this partition fetched by one poll of the consumer loop, to be delivered. */
    synchronized void fetched(List<? extends ConsumerRecord<?, ?>> records) {
        if (state == State.CLOSED) {
            return;
        }
        for (ConsumerRecord<?, ?> record : records) {
            long offset = record.offset();
            unsettled.putIfAbsent(offset, inheritedCounts.getOrDefault(offset, 0));
            nextOffset = Math.max(nextOffset, offset + 1);
        }
    }

    /**
     * Starts one delivery of the record and returns its delivery count, or 0 when this member no longer owns
     * the partition (the record is left to the next owner).
     */
    synchronized int beginDelivery(long offset) {
        Integer deliveries = unsettled.get(offset);
        if (state != State.OWNED || deliveries == null) {
            return 0;
        }
        inFlight++;
        unsettled.put(offset, deliveries + 1);
        countsChanged = true;
        return deliveries + 1;
    }

    /** The record is done (processed or dead-lettered): the commit may pass it. */
    synchronized void ack(long offset) {
        if (state == State.CLOSED) {
            return;
        }
        inFlight--;
        unsettled.remove(offset);
    }

    /**
     * The delivery failed; the record stays unsettled, holding the commit back. Returns whether this member still
     * owns the partition and should redeliver it.
     */
    synchronized boolean reject(long offset) {
        if (state == State.CLOSED) {
            return false;
        }
        inFlight--;
        countsChanged = true;
        return state == State.OWNED && unsettled.containsKey(offset);
    }

    /** Deliveries handed to the handler and not settled yet. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Records fetched and not settled: in flight or waiting for redelivery. */
    synchronized int pending() {
        return unsettled.size();
    }

    /** Stops new deliveries (partition revoked or member stopping); settlements still count. */
    synchronized void closing() {
        if (state == State.OWNED) {
            state = State.CLOSING;
        }
    }

    /** Forgets everything: later settlements are ignored, the next owner redelivers what was unsettled. */
    synchronized void close() {
        state = State.CLOSED;
        unsettled.clear();
    }

    synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    /**
     * The offset and metadata of a periodic commit, or null when it would change nothing: the lowest unsettled
     * offset, else the offset after the last fetched record, with the delivery counts of the unsettled records.
     * Marks it committed; call {@link #commitFailed} if the broker refuses it.
     */
    synchronized OffsetAndMetadata takeCommit() {
        if (state == State.CLOSED || nextOffset < 0) {
            return null;
        }
        long offset = committable();
        if (offset <= committed && !countsChanged) {
            return null;
        }
        committed = Math.max(committed, offset);
        countsChanged = false;
        String metadata = metadata();
        committedCounts = !metadata.isEmpty();
        return new OffsetAndMetadata(offset, metadata);
    }

    /**
     * The commit of an orderly hand-over: the same offset as {@link #takeCommit()}, without delivery counts (and
     * clearing those a periodic commit wrote), or null when it would change nothing.
     */
    synchronized OffsetAndMetadata takeHandOverCommit() {
        if (state == State.CLOSED) {
            return null;
        }
        long offset = nextOffset < 0 ? committed : committable();
        if (offset < 0 || (offset <= committed && !committedCounts)) {
            return null;
        }
        committed = Math.max(committed, offset);
        countsChanged = false;
        committedCounts = false;
        return new OffsetAndMetadata(offset, "");
    }

    private long committable() {
        return unsettled.isEmpty() ? nextOffset : unsettled.firstKey();
    }

    /** A commit taken by {@link #takeCommit} failed: the next one writes it again. */
    synchronized void commitFailed(long offset) {
        if (committed == offset) {
            committed = -1;
            countsChanged = true;
        }
    }

    private String metadata() {
        StringBuilder out = new StringBuilder(METADATA_PREFIX);
        int written = 0;
        for (Map.Entry<Long, Integer> entry : unsettled.entrySet()) {
            if (entry.getValue() == 0) {
                continue;
            }
            if (written++ == MAX_COUNTS_IN_METADATA) {
                break;
            }
            out.append(written > 1 ? "," : "").append(entry.getKey()).append('=').append(entry.getValue());
        }
        return written == 0 ? "" : out.toString();
    }

    /** The delivery counts a commit's metadata carries; anything else (another client's metadata) is ignored. */
    static Map<Long, Integer> parseCounts(String metadata) {
        if (metadata == null || !metadata.startsWith(METADATA_PREFIX)) {
            return Map.of();
        }
        Map<Long, Integer> counts = new TreeMap<>();
        for (String entry : metadata.substring(METADATA_PREFIX.length()).split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                counts.put(Long.parseLong(entry.substring(0, eq)), Integer.parseInt(entry.substring(eq + 1)));
            } catch (NumberFormatException e) {
                // a damaged entry only loses that record's count
            }
        }
        return counts;
    }
}
