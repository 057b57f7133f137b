package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.DeadLetterSnapshot;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.StoredDeadLetter;

/**
 * Dead letters of the RabbitMQ transport: the retained queue named exactly {@code <topic>.dlq}, browsed by
 * {@code basic.get} without acknowledgement on a connection of the browse's own. Removing an entry acknowledges
 * its delivery; closing the browse closes the connection, and RabbitMQ puts every message it did not acknowledge
 * back in the queue at its original position (classic queues, the transport's default), so the order is kept.
 * Positions are the messages' places in the queue when the browse started, from 1.
 * <p>
 * The honest caveats of AMQP 0-9-1, which has no read-only browse: while a browse is open, the messages it holds
 * are invisible to any other consumer of that queue, and afterwards they are marked redelivered. Nothing is lost
 * if the browsing process dies: the broker requeues when the connection drops. A stream queue would browse without
 * these effects but cannot delete a single message either, so the bus keeps the classic queue.
 */
final class RabbitMqDeadLetterStore implements DeadLetterStore {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqDeadLetterStore.class);

    private final RabbitMqTransport transport;
    private final ConnectionFactory connections;

    RabbitMqDeadLetterStore(RabbitMqTransport transport, ConnectionFactory connections) {
        this.transport = transport;
        this.connections = connections;
    }

    @Override
    public DeadLetterBrowse browse(String deadLetterTopic, int limit) throws Exception {
        if (transport.queueInfo(deadLetterTopic) == null) {
            throw new IllegalArgumentException("no dead-letter queue " + deadLetterTopic + " on RabbitMQ (nothing "
                    + "was dead-lettered there)");
        }
        Connection connection = connections.newConnection("camel-eventbus-dlq-browser");
        try {
            Channel channel = connection.createChannel();
            List<StoredDeadLetter> entries = new ArrayList<>();
            Map<String, Long> deliveryTags = new HashMap<>();
            boolean truncated = false;
            GetResponse response;
            while ((response = channel.basicGet(deadLetterTopic, false)) != null) {
                if (entries.size() == limit) {
                    truncated = true; // this one and the rest stay where they are
                    break;
                }
                String position = String.valueOf(entries.size() + 1);
                entries.add(new StoredDeadLetter(position, response.getBody()));
                deliveryTags.put(position, response.getEnvelope().getDeliveryTag());
            }
            return new Browse(connection, channel, entries, deliveryTags, truncated);
        } catch (Exception e) {
            connection.abort();
            throw e;
        }
    }

    private static final class Browse extends DeadLetterSnapshot {
        private final Connection connection;
        private final Channel channel;
        private final Map<String, Long> deliveryTags;

        Browse(Connection connection, Channel channel, List<StoredDeadLetter> entries, Map<String, Long> deliveryTags,
                boolean truncated) {
            super(entries, truncated);
            this.connection = connection;
            this.channel = channel;
            this.deliveryTags = deliveryTags;
        }

        @Override
        protected void removeAtBroker(StoredDeadLetter entry) throws Exception {
            Long tag = deliveryTags.remove(entry.position());
            if (tag == null) {
                throw new IllegalArgumentException("dead letter at position " + entry.position()
                        + " is not held by this browse");
            }
            channel.basicAck(tag, false);
        }

        /** Closing the connection returns every unacknowledged message to the queue. */
        @Override
        public void close() {
            try {
                connection.close();
            } catch (Exception e) {
                LOG.warn("Closing the dead-letter browse connection failed ({}); RabbitMQ requeues its messages "
                        + "when it notices the connection is gone", e.getMessage());
                connection.abort();
            }
        }
    }
}
