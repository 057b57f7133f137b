package io.eventbus.transport.kafka;

import java.util.HashMap;
import java.util.Map;

import io.eventbus.observability.BacklogGaugesContractIT;

/** The backlog gauges over Kafka: lag from committed offsets, pending in this process, the DLT's log size. */
class KafkaBacklogGaugesIT extends BacklogGaugesContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        Map<String, String> props = new HashMap<>(KafkaTestBroker.transportProperties());
        props.put("eventbus.kafka.max-poll-records", "1");
        return props;
    }
}
