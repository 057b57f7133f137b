package io.eventbus.transport.rabbitmq;

import java.util.Map;

import io.eventbus.observability.BacklogGaugesContractIT;

/**
 * The backlog gauges over RabbitMQ: lag from the group queue's ready messages (prefetch 1 keeps the rest ready),
 * pending unknown (NaN), the DLQ depth from the queue {@code <topic>.dlq}.
 */
class RabbitMqBacklogGaugesIT extends BacklogGaugesContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri", RabbitMqTestBroker.URI,
                "eventbus.rabbitmq.prefetch", "1");
    }

    @Override
    protected void cleanUp() throws Exception {
        RabbitMqTestBroker.deleteAll(topic);
    }
}
