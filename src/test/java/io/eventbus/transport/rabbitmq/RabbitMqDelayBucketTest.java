package io.eventbus.transport.rabbitmq;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RabbitMqDelayBucketTest {

    @Test
    void aDelayIsRoundedUpToTwoSignificantDigitsInStepsOfAtLeast100Ms() {
        assertEquals(100, RabbitMqTopology.delayBucket(1));
        assertEquals(600, RabbitMqTopology.delayBucket(600));
        assertEquals(600, RabbitMqTopology.delayBucket(501));
        assertEquals(5300, RabbitMqTopology.delayBucket(5234));
        assertEquals(10_000, RabbitMqTopology.delayBucket(10_000));
        assertEquals(13_000, RabbitMqTopology.delayBucket(12_345));
        assertEquals(130_000, RabbitMqTopology.delayBucket(123_456));
        assertEquals("orders.delay.5300", RabbitMqTopology.delayQueue("orders", 5300));
    }
}
