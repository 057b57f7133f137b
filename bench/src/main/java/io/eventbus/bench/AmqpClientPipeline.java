package io.eventbus.bench;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * An application on amqp-client alone with PerfTest's settings ({@link RabbitMqBenchmark}): a durable classic v2
 * queue bound to a topic exchange; {@value RabbitMqBenchmark#PRODUCERS} publishing channels in confirm mode, each with
 * up to {@value RabbitMqBenchmark#CONFIRM_WINDOW} persistent, mandatory messages awaiting the broker's confirm (a
 * publish blocks only while its channel's window is full); one consumer channel with prefetch
 * {@value RabbitMqBenchmark#PREFETCH} that parses each message's JSON and, after processing, acknowledges every
 * {@value RabbitMqBenchmark#MULTI_ACK} messages at once. Unlike PerfTest it writes and parses the envelope's JSON,
 * as any application carrying these events does. The raw row of {@code bench/run rabbitmq --rate}.
 */
final class AmqpClientPipeline implements EventPipeline {

    static final String KEY = "amqp-client";
    private static final AMQP.BasicProperties PERSISTENT_JSON = new AMQP.BasicProperties.Builder()
            .contentType("application/json").deliveryMode(2).build();

    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Connection connection;
    private ConfirmingChannel[] publishers;
    private String exchange;
    private String queue;

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String label() {
        return "amqp-client app, " + RabbitMqBenchmark.CONFIRM_WINDOW + " confirms in flight, Jackson, multi-ack";
    }

    @Override
    public int publishers() {
        return RabbitMqBenchmark.PRODUCERS;
    }

    @Override
    public void start(String topic, IntConsumer processed) throws Exception {
        exchange = topic;
        queue = topic + ".amqp";
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RabbitMqBenchmark.URI);
        connection = factory.newConnection("bench-amqp-client");
        try (Channel declare = connection.createChannel()) {
            declare.exchangeDeclare(exchange, "topic", true);
            declare.queueDeclare(queue, true, false, false, Map.of("x-queue-version", 2));
            declare.queueBind(queue, exchange, topic);
        }
        Channel consumer = connection.createChannel();
        consumer.basicQos(RabbitMqBenchmark.PREFETCH);
        consumer.basicConsume(queue, false, new DefaultConsumer(consumer) {
            private int unacknowledged;

            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                processed.accept(EnvelopeJson.seqOf(body));
                if (++unacknowledged == RabbitMqBenchmark.MULTI_ACK) {
                    getChannel().basicAck(envelope.getDeliveryTag(), true);
                    unacknowledged = 0;
                }
            }
        });
        publishers = new ConfirmingChannel[RabbitMqBenchmark.PRODUCERS];
        for (int i = 0; i < publishers.length; i++) {
            publishers[i] = new ConfirmingChannel(connection.createChannel(), topic);
        }
    }

    @Override
    public void publish(int seq, io.eventbus.envelope.Envelope event, Runnable confirmed) throws Exception {
        publishers[seq % publishers.length].publish(EnvelopeJson.write(event), confirmed);
    }

    @Override
    public void awaitConfirmed() throws Exception {
        for (ConfirmingChannel publisher : publishers) {
            publisher.awaitConfirmed();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            if (exchange != null) {
                RabbitMqBenchmark.deleteAll(exchange, List.of(queue));
            }
        }
    }

    /** One publishing channel in confirm mode with a window of unconfirmed publishes. */
    private final class ConfirmingChannel {

        private final Channel channel;
        private final String routingKey;
        private final Semaphore window = new Semaphore(RabbitMqBenchmark.CONFIRM_WINDOW);
        /** What to run on each unconfirmed publish's confirm, by its publish sequence number. */
        private final ConcurrentNavigableMap<Long, Runnable> unconfirmed = new ConcurrentSkipListMap<>();

        ConfirmingChannel(Channel channel, String routingKey) throws IOException {
            this.channel = channel;
            this.routingKey = routingKey;
            channel.confirmSelect();
            channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, true),
                    (tag, multiple) -> settle(tag, multiple, false));
            channel.addReturnListener(returned -> failure.compareAndSet(null,
                    new IllegalStateException("message returned unroutable: " + returned.getReplyText())));
        }

        void publish(byte[] body, Runnable confirmed) throws Exception {
            window.acquire();
            // the sequence number and the publish must match: one publish at a time per channel
            synchronized (this) {
                unconfirmed.put(channel.getNextPublishSeqNo(), confirmed);
                channel.basicPublish(exchange, routingKey, true, PERSISTENT_JSON, body);
            }
        }

        private void settle(long tag, boolean multiple, boolean acked) {
            Map<Long, Runnable> settled = multiple ? unconfirmed.headMap(tag, true) : unconfirmed.subMap(tag, true,
                    tag, true);
            for (Iterator<Runnable> it = settled.values().iterator(); it.hasNext();) {
                Runnable confirmed = it.next();
                it.remove();
                if (acked) {
                    confirmed.run();
                } else {
                    failure.compareAndSet(null, new IllegalStateException("publish nacked by the broker"));
                }
                window.release();
            }
        }

        void awaitConfirmed() throws InterruptedException {
            if (!window.tryAcquire(RabbitMqBenchmark.CONFIRM_WINDOW, 10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("publishes still unconfirmed after 10 minutes");
            }
            window.release(RabbitMqBenchmark.CONFIRM_WINDOW);
        }
    }
}
