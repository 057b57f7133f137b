package io.eventbus.transport.kafka;

import java.util.Map;

import io.eventbus.deadletter.DeadLetterContractIT;

/**
 * Dead letters of the Kafka transport, on a real KRaft broker with 4-partition topics: read by offsets without a
 * group, removals recorded in the compacted {@code <topic>.dlq.settled}.
 */
class KafkaDeadLetterContractIT extends DeadLetterContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        return KafkaTestBroker.transportProperties();
    }
}
