package io.eventbus.transport.kafka;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaDelayBucketTest {

    @Test
    void aRecordGoesToTheLargestBucketNotAboveWhatItStillWaits() {
        assertEquals(100, KafkaDelayMover.bucketFor(1));
        assertEquals(100, KafkaDelayMover.bucketFor(399));
        assertEquals(400, KafkaDelayMover.bucketFor(400));
        assertEquals(1600, KafkaDelayMover.bucketFor(1999));
        assertEquals(6400, KafkaDelayMover.bucketFor(10_000));
        assertEquals(100L << 20, KafkaDelayMover.bucketFor(Long.MAX_VALUE), "the largest bucket, about 29 hours");
    }

    @Test
    void delayTopicsAreNamedAfterTheirTopicAndBucket() {
        assertEquals("orders.delay.1600", KafkaDelayMover.delayTopic("orders", 1600));
        assertTrue(KafkaDelayMover.isDelayTopicOf("orders.eu.delay.400", "orders.eu"));
        assertFalse(KafkaDelayMover.isDelayTopicOf("orders.eu.delay.400", "orders"));
        assertFalse(KafkaDelayMover.isDelayTopicOf("orders.delayed", "orders"));
    }
}
