package io.eventbus.transport.kafka;

import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commit of a partition never passes an unsettled record, whatever order deliveries settle in. */
class PartitionOffsetsTest {

    private static final TopicPartition TP = new TopicPartition("orders", 2);

    @Test
    void outOfOrderAcksCommitOnlyBelowTheOldestUnsettledRecord() {
        PartitionOffsets offsets = fetched(null, 10, 11, 12, 13);
        for (long o = 10; o <= 13; o++) {
            offsets.beginDelivery(o);
        }
        offsets.ack(12);
        offsets.ack(13);
        assertEquals(10, offsets.takeCommit().offset(), "10 and 11 are unsettled");
        offsets.ack(10);
        assertEquals(11, offsets.takeCommit().offset());
        assertNull(offsets.takeCommit(), "nothing changed since the last commit");
        offsets.ack(11);
        assertEquals(14, offsets.takeCommit().offset(), "all settled: the offset after the last fetched record");
        assertEquals(0, offsets.pending());
    }

    @Test
    void aRejectedRecordHoldsTheCommitAndCountsItsDeliveries() {
        PartitionOffsets offsets = fetched(null, 5, 6);
        assertEquals(1, offsets.beginDelivery(5));
        assertEquals(1, offsets.beginDelivery(6));
        assertTrue(offsets.reject(5), "still owned: redeliver it");
        offsets.ack(6);
        OffsetAndMetadata commit = offsets.takeCommit();
        assertEquals(5, commit.offset());
        assertEquals("eventbus-dc:5=1", commit.metadata(), "the count of the rejected record travels with the commit");
        assertEquals(2, offsets.beginDelivery(5));
        assertEquals(1, offsets.pending());
    }

    @Test
    void theNextOwnerContinuesTheDeliveryCountFromTheCommitMetadata() {
        PartitionOffsets offsets = fetched(new OffsetAndMetadata(5, "eventbus-dc:5=3,7=1"), 5, 6, 7);
        assertEquals(4, offsets.beginDelivery(5));
        assertEquals(1, offsets.beginDelivery(6));
        assertEquals(2, offsets.beginDelivery(7));
    }

    @Test
    void foreignOrDamagedMetadataIsIgnored() {
        assertEquals(Map.of(), PartitionOffsets.parseCounts("written by another client"));
        assertEquals(Map.of(4L, 2), PartitionOffsets.parseCounts("eventbus-dc:x=1,4=2,9="));
    }

    @Test
    void aRevokedPartitionDeliversNothingMoreAndIgnoresLateSettlements() {
        PartitionOffsets offsets = fetched(null, 1, 2, 3);
        offsets.beginDelivery(1);
        offsets.closing();
        assertEquals(0, offsets.beginDelivery(2), "no new delivery once revoked");
        assertEquals(1, offsets.inFlight());
        offsets.ack(1);
        assertEquals(0, offsets.inFlight());
        assertEquals(2, offsets.takeHandOverCommit().offset(), "what settled before the hand-over is committed");
        offsets.close();
        assertFalse(offsets.reject(2));
        assertNull(offsets.takeCommit());
        assertTrue(offsets.isClosed());
    }

    @Test
    void anOrderlyHandOverClearsTheDeliveryCounts() {
        PartitionOffsets offsets = fetched(new OffsetAndMetadata(5, "eventbus-dc:5=3"), 5);
        assertEquals(4, offsets.beginDelivery(5));
        offsets.reject(5);
        assertEquals("eventbus-dc:5=4", offsets.takeCommit().metadata(), "a periodic commit carries the count");
        offsets.closing();
        OffsetAndMetadata handOver = offsets.takeHandOverCommit();
        assertEquals(5, handOver.offset());
        assertEquals("", handOver.metadata(), "the next owner starts the event with a fresh budget");
        assertNull(offsets.takeHandOverCommit(), "nothing left to clear");
    }

    @Test
    void aFailedCommitIsWrittenAgain() {
        PartitionOffsets offsets = fetched(null, 0);
        offsets.beginDelivery(0);
        offsets.ack(0);
        assertEquals(1, offsets.takeCommit().offset());
        offsets.commitFailed(1);
        assertEquals(1, offsets.takeCommit().offset());
    }

    private static PartitionOffsets fetched(OffsetAndMetadata committed, long... records) {
        PartitionOffsets offsets = new PartitionOffsets(TP, committed);
        // one poll's records of the partition; offsets need not be contiguous (compaction, transaction markers)
        offsets.fetched(Arrays.stream(records).mapToObj(offset -> new ConsumerRecord<String, byte[]>(TP.topic(),
                TP.partition(), offset, null, new byte[0])).toList());
        return offsets;
    }
}
