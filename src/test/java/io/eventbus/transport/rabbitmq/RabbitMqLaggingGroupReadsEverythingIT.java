package io.eventbus.transport.rabbitmq;

import java.util.Map;

import io.eventbus.bus.LaggingGroupReadsEverythingContractIT;

/**
 * RabbitMQ: a group's queue has no length limit and no time to live by default, so the 30,000 events wait in it
 * while the group's route is stopped, and all of them are delivered once it starts again.
 */
class RabbitMqLaggingGroupReadsEverythingIT extends LaggingGroupReadsEverythingContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
    }

    @Override
    protected void cleanUp() throws Exception {
        RabbitMqTestBroker.deleteAll(topic);
    }
}
