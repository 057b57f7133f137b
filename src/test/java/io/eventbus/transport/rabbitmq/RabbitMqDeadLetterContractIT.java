package io.eventbus.transport.rabbitmq;

import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.AfterAll;

import io.eventbus.deadletter.DeadLetterContractIT;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dead letters of the RabbitMQ transport, on the broker at 127.0.0.1:5672: the retained queue {@code <topic>.dlq}
 * browsed by {@code basic.get} without acknowledgement, removed by acknowledging.
 */
class RabbitMqDeadLetterContractIT extends DeadLetterContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
    }

    /**
     * A consumer group of {@code <topic>.dlq} would get a queue of its own, bound from now on: on RabbitMQ the proof
     * that browsing consumed nothing is the dead-letter queue itself still holding every message.
     */
    @Override
    protected void assertStillDeliverable(String deadLetterTopic, Set<String> eventIds) throws Exception {
        try (Connection connection = RabbitMqTestBroker.connect(); Channel channel = connection.createChannel()) {
            assertEquals(eventIds.size(), channel.queueDeclarePassive(deadLetterTopic).getMessageCount(),
                    "messages ready in " + deadLetterTopic);
        }
    }

    @AfterAll
    static void deleteWhatTheTestCreated() throws Exception {
        RabbitMqTestBroker.deleteAll("dlq-contract-");
    }
}
