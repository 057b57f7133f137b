package io.eventbus.transport.rabbitmq;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.RabbitExceptionTranslator;

/**
 * The channels publishes go out on, each kept open and carrying many publishes awaiting their confirms: a publishing
 * thread always uses the same one (its thread id picks it), so one thread's publishes reach the broker in the order
 * it made them.
 * <p>
 * Why not a channel from the connection factory's cache per publish: with correlated confirms Spring AMQP takes a
 * channel back into its cache only once all its confirms have come, so under asynchronous load nearly every publish
 * would open a channel of its own (two round trips) and close it again. Here a channel stays with its slot until it
 * fails; the slot then takes a new one from the factory at its next publish, and Spring AMQP nacks what the failed
 * channel left unconfirmed, with the reason, so those publishes are tried again.
 * <p>
 * A publish is Spring AMQP's own {@link RabbitTemplate#doSend}: it registers the {@link CorrelationData} whose future
 * the confirm completes and that a return fills in. Each slot sends one publish at a time (its lock), as the
 * confirm's sequence number is read from the channel just before the message goes out.
 */
final class RabbitMqPublishingChannels implements AutoCloseable {

    private final ConnectionFactory connectionFactory;
    private final RabbitTemplate template;
    private final Slot[] slots;

    /**
     * @param template a template on {@code connectionFactory}, which has correlated confirms and returns
     * @param count    the channels at most ({@code channel-cache-size}); a slot opens its channel at its first publish
     */
    RabbitMqPublishingChannels(ConnectionFactory connectionFactory, RabbitTemplate template, int count) {
        this.connectionFactory = connectionFactory;
        this.template = template;
        this.slots = new Slot[count];
        for (int i = 0; i < count; i++) {
            slots[i] = new Slot();
        }
    }

    /**
     * Writes the message, mandatory, on the calling thread's channel; its outcome comes through
     * {@code correlation}. Throws an {@link org.springframework.amqp.AmqpException} when no channel could be had or
     * the write failed: that publish then has no outcome to wait for.
     */
    void send(String exchange, String routingKey, Message message, CorrelationData correlation) {
        slots[(int) (Thread.currentThread().getId() % slots.length)].send(exchange, routingKey, message, correlation);
    }

    /** Closes the channels; Spring AMQP waits for their outstanding confirms before it really closes them. */
    @Override
    public void close() {
        for (Slot slot : slots) {
            slot.close();
        }
    }

    private final class Slot {
        /** Guarded by this slot. */
        private Channel channel;

        synchronized void send(String exchange, String routingKey, Message message, CorrelationData correlation) {
            try {
                if (channel == null || !channel.isOpen()) {
                    discard();
                    channel = connectionFactory.createConnection().createChannel(false);
                }
                // registers the template for this channel's confirms and returns (once per channel; Spring's
                // proxy may have swapped the channel underneath after an error, so asked every time)
                template.addListener(channel);
                template.doSend(channel, exchange, routingKey, message, true, correlation);
            } catch (RuntimeException e) {
                discard();
                throw RabbitExceptionTranslator.convertRabbitAccessException(e);
            }
        }

        synchronized void close() {
            discard();
        }

        /**
         * Gives the channel back to the factory: a closed one is dropped and its unconfirmed publishes nacked with
         * the reason it closed; an open one goes back to the cache once its confirms have come.
         */
        private void discard() {
            Channel failed = channel;
            channel = null;
            if (failed != null) {
                try {
                    failed.close();
                } catch (Exception alreadyGone) {
                    // closing a channel the broker or the connection already closed: nothing left to release
                }
            }
        }
    }
}
