package io.eventbus.transport.kafka;

import java.util.Map;

import io.eventbus.bus.LaggingGroupReadsEverythingContractIT;

/**
 * Kafka: the transport creates its topics with no retention of its own, so a group 30,000 records behind reads
 * them all from its committed offsets (the broker's own retention is the only limit; see
 * {@link KafkaRemovedRecordsAreReportedIT} for what happens when it strikes).
 */
class KafkaLaggingGroupReadsEverythingIT extends LaggingGroupReadsEverythingContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        return KafkaTestBroker.transportProperties();
    }
}
