package io.eventbus.transport.kafka;

import java.util.Map;

import io.eventbus.bus.TransportContractIT;

/**
 * The Kafka transport passes the whole transport contract against a real KRaft broker, with 4-partition topics:
 * persistent, and per-key order across the members of a group.
 */
class KafkaTransportContractIT extends TransportContractIT {

    @Override
    protected Features features() {
        return new Features(true, true);
    }

    @Override
    protected Map<String, String> transportProperties() {
        return KafkaTestBroker.transportProperties();
    }
}
