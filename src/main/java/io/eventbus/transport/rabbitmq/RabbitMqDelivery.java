package io.eventbus.transport.rabbitmq;

import java.util.Map;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import io.eventbus.transport.SettlingDelivery;

/**
 * One message of a group's queue handed to the bus, unacknowledged until settled.
 * <p>
 * The delivery count: RabbitMQ classic queues do not count deliveries, they only flag a message
 * {@code redelivered}; quorum queues add {@code x-delivery-count} (earlier deliveries returned to the queue). The
 * bus needs an exact count for {@code maxDeliveries} and {@code retry_count}, so a rejected delivery is, by
 * default, re-published with the header {@value RabbitMqWireFormat#REDELIVERIES_HEADER} incremented (see
 * {@link RabbitMqSettings.Redelivery#REPUBLISH}). The count is then {@code 1 + eventbus_redeliveries} plus, for
 * deliveries the broker itself returned to the queue (a consumer that died or lost its connection before
 * settling), {@code x-delivery-count} on a quorum queue, or 1 when a classic queue flags the message
 * {@code redelivered} — a lower bound there, since a classic queue cannot tell how many times.
 */
final class RabbitMqDelivery extends SettlingDelivery {

    /** What the consumer does to settle a delivery on the broker. */
    interface Settler {
        void ack(RabbitMqDelivery delivery);

        void reject(RabbitMqDelivery delivery);
    }

    private final String queue;
    private final Channel channel;
    private final Message message;
    private final long deliveryTag;
    private final boolean quorum;
    private final Settler settler;
    private Map<String, String> headers;

    RabbitMqDelivery(String queue, Channel channel, Message message, boolean quorum, Settler settler) {
        this.queue = queue;
        this.channel = channel;
        this.message = message;
        this.deliveryTag = message.getMessageProperties().getDeliveryTag();
        this.quorum = quorum;
        this.settler = settler;
    }

    @Override
    public String id() {
        return queue + "#" + deliveryTag;
    }

    @Override
    public byte[] body() {
        return message.getBody();
    }

    @Override
    public Map<String, String> headers() {
        if (headers == null) {
            headers = Map.copyOf(RabbitMqWireFormat.headersOf(message.getMessageProperties()));
        }
        return headers;
    }

    @Override
    public int deliveryCount() {
        return 1 + republished() + returnedByBroker();
    }

    /** Times the bus re-published this event to the group after a failure. */
    int republished() {
        return RabbitMqWireFormat.intHeader(message.getMessageProperties(), RabbitMqWireFormat.REDELIVERIES_HEADER);
    }

    private int returnedByBroker() {
        MessageProperties properties = message.getMessageProperties();
        if (quorum) {
            return RabbitMqWireFormat.intHeader(properties, RabbitMqWireFormat.QUORUM_DELIVERY_COUNT_HEADER);
        }
        return Boolean.TRUE.equals(properties.getRedelivered()) ? 1 : 0;
    }

    @Override
    protected void onAck() {
        settler.ack(this);
    }

    @Override
    protected void onReject() {
        settler.reject(this);
    }

    /** The channel the message came on: the only one its delivery tag is valid on. */
    Channel channel() {
        return channel;
    }

    Message message() {
        return message;
    }

    long deliveryTag() {
        return deliveryTag;
    }
}
