package io.eventbus.transport.rabbitmq;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;

import io.eventbus.bus.TransportContractIT;

/**
 * The RabbitMQ transport passes the whole transport contract against the real broker: persistent, and ordered per
 * key with a single consumer only (competing consumers of one queue interleave).
 */
class RabbitMqTransportContractIT extends TransportContractIT {

    @Override
    protected Features features() {
        return new Features(true, false);
    }

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
    }

    @AfterAll
    static void deleteWhatTheContractCreated() throws Exception {
        // processing.failed keeps a queue of its own (a retained topic): the poison scenario filled it
        RabbitMqTestBroker.deleteAll("contract-", "processing.failed");
    }
}
