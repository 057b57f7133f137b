package io.eventbus.transport.rabbitmq;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.rabbitmq.client.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.DeliveryWorkers;
import io.eventbus.transport.TransportConsumer;

/**
 * One consumer-group member on RabbitMQ: a Spring AMQP {@link SimpleMessageListenerContainer} on the group's queue
 * with manual acknowledgement, {@code concurrency} consumers (one channel and thread each, each with the
 * configured prefetch), and automatic recovery: when the connection is lost the container reconnects every
 * {@code eventbus.rabbitmq.recovery-interval} and consumes again; what was delivered and not acknowledged is
 * requeued by the broker.
 * <p>
 * The container owns the consuming threads, so this member has no {@link DeliveryWorkers} of its own: each
 * container thread runs their step ({@link DeliveryWorkers#deliver}), handing a delivery to the bus and waiting until
 * the exchange has settled it before taking the next, so in-flight work never exceeds the concurrency and, with
 * concurrency 1, the queue's order is kept.
 * Settling: ack is {@code basic.ack}; reject re-publishes to the retry queue and then acks, or requeues after the
 * redelivery delay (see {@link RabbitMqSettings.Redelivery}).
 */
final class RabbitMqGroupMember implements TransportConsumer, RabbitMqDelivery.Settler {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqGroupMember.class);

    private final RabbitMqTransport transport;
    private final ConnectionFactory connectionFactory;
    private final RabbitMqSettings settings;
    private final String topic;
    private final ConsumerBinding binding;
    private final DeliveryHandler handler;
    private final RabbitMqConfirmedPublisher publisher;
    private final ScheduledExecutorService scheduler;
    private final Consumer<RabbitMqGroupMember> onStopped;
    private final String queue;
    /** What the log names as the source of a delivery whose handler failed. */
    private final String origin;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Per consumer channel: acknowledgements not sent yet, with ack-batch > 1. */
    private final Map<Channel, DeferredAcks> deferredAcks = new ConcurrentHashMap<>();
    private SimpleMessageListenerContainer container;
    private ScheduledFuture<?> ackFlusher;
    /** Set while stopping: the exchanges still settling then acknowledge at once, before their channel closes. */
    private volatile boolean stopping;

    RabbitMqGroupMember(RabbitMqTransport transport, ConnectionFactory connectionFactory, RabbitMqSettings settings,
            String topic, ConsumerBinding binding, DeliveryHandler handler, RabbitMqConfirmedPublisher publisher,
            ScheduledExecutorService scheduler, Consumer<RabbitMqGroupMember> onStopped) {
        this.transport = transport;
        this.connectionFactory = connectionFactory;
        this.settings = settings;
        this.topic = topic;
        this.binding = binding;
        this.handler = handler;
        this.publisher = publisher;
        this.scheduler = scheduler;
        this.onStopped = onStopped;
        this.queue = RabbitMqTopology.groupQueue(topic, binding.group());
        this.origin = "group " + binding.group();
    }

    @Override
    public synchronized void start() {
        if (container != null) {
            return;
        }
        stopping = false;
        AtomicInteger consumerNumber = new AtomicInteger();
        SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(connectionFactory);
        c.setBeanName("bus-rabbitmq-" + queue);
        c.setQueueNames(queue);
        c.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        c.setConcurrentConsumers(binding.concurrency());
        c.setPrefetchCount(settings.prefetch());
        c.setRecoveryInterval(settings.recoveryIntervalMillis());
        c.setMissingQueuesFatal(false);
        c.setMismatchedQueuesFatal(false);
        c.setPossibleAuthenticationFailureFatal(false);
        c.setAutoDeclare(false);
        c.setDefaultRequeueRejected(true);
        c.setShutdownTimeout(10_000);
        // on stop, requeue what was prefetched instead of processing it all first
        c.setForceStop(true);
        c.setConsumerTagStrategy(q -> binding.consumerName() + "-" + consumerNumber.incrementAndGet());
        c.setMessageListener((ChannelAwareMessageListener) this::onMessage);
        c.afterPropertiesSet();
        c.start();
        container = c;
        if (settings.ackBatch() > 1) {
            // a quiet queue must not leave acknowledgements waiting for a batch to fill
            ackFlusher = scheduler.scheduleWithFixedDelay(this::flushAllAcks, 50, 50, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        stopping = true;
        if (ackFlusher != null) {
            ackFlusher.cancel(false);
            ackFlusher = null;
        }
        flushAllAcks();
        if (container != null) {
            // cancels the consumers, lets in-flight exchanges settle (shutdown timeout), closes the channels:
            // prefetched messages not yet handed to the bus go back to the queue
            container.stop();
            container.destroy();
            container = null;
        }
        onStopped.accept(this);
    }

    String topic() {
        return topic;
    }

    String group() {
        return binding.group();
    }

    String queue() {
        return queue;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("consumer", binding.consumerName());
        details.put("queue", queue);
        details.put("pending", (long) inFlight.get());
        QueueInformation info = transport.queueInfo(queue);
        QueueInformation retry = settings.redelivery() == RabbitMqSettings.Redelivery.REPUBLISH
                ? transport.queueInfo(RabbitMqTopology.retryQueue(queue)) : null;
        if (info != null) {
            details.put("lag", (long) info.getMessageCount() + (retry == null ? 0 : retry.getMessageCount()));
            details.put("consumers", info.getConsumerCount());
        }
        if (retry != null) {
            details.put("retrying", (long) retry.getMessageCount());
        }
        return details;
    }

    private void onMessage(Message message, Channel channel) throws InterruptedException {
        RabbitMqDelivery delivery = new RabbitMqDelivery(queue, channel, message,
                settings.queueType() == RabbitMqSettings.QueueType.QUORUM, this);
        inFlight.incrementAndGet();
        DeliveryWorkers.deliver(handler, delivery, origin);
    }

    /**
     * {@code basic.ack}; with {@code eventbus.rabbitmq.ack-batch} N > 1, one {@code basic.ack multiple=true} for N
     * deliveries of a channel (sent at the latest 50 ms later). Sound because each channel has one container thread
     * that takes a delivery only once the previous one is settled: a channel's deliveries settle in tag order.
     */
    @Override
    public void ack(RabbitMqDelivery delivery) {
        inFlight.decrementAndGet();
        if (settings.ackBatch() <= 1) {
            basicAck(delivery.channel(), delivery.deliveryTag(), false, delivery.id());
            return;
        }
        DeferredAcks deferred = deferredAcks.computeIfAbsent(delivery.channel(), ch -> new DeferredAcks());
        synchronized (deferred) {
            deferred.lastTag = delivery.deliveryTag();
            if (++deferred.count >= settings.ackBatch() || stopping) {
                flush(delivery.channel(), deferred);
            }
        }
    }

    private void flushAllAcks() {
        deferredAcks.forEach((channel, deferred) -> {
            synchronized (deferred) {
                flush(channel, deferred);
            }
        });
        deferredAcks.keySet().removeIf(channel -> !channel.isOpen());
    }

    /** Sends the channel's deferred acknowledgements; caller holds the lock of {@code deferred}. */
    private static void flush(Channel channel, DeferredAcks deferred) {
        if (deferred.count > 0) {
            basicAck(channel, deferred.lastTag, true, "deliveries up to #" + deferred.lastTag);
            deferred.count = 0;
        }
    }

    private static void basicAck(Channel channel, long tag, boolean multiple, String what) {
        try {
            channel.basicAck(tag, multiple);
        } catch (Exception e) {
            // the channel is gone with the connection: the broker has requeued the message, it comes back
            LOG.warn("Cannot acknowledge {} ({}); RabbitMQ will deliver it again", what, RabbitMqErrors.describe(e));
        }
    }

    /** Acknowledgements of one channel held back to be sent as one. */
    private static final class DeferredAcks {
        long lastTag;
        int count;
    }

    @Override
    public void reject(RabbitMqDelivery delivery) {
        inFlight.decrementAndGet();
        DeferredAcks deferred = deferredAcks.get(delivery.channel());
        if (deferred != null) {
            synchronized (deferred) {
                flush(delivery.channel(), deferred);
            }
        }
        long delay = binding.redeliveryDelay();
        if (settings.redelivery() == RabbitMqSettings.Redelivery.REQUEUE) {
            scheduler.schedule(() -> requeue(delivery), delay, TimeUnit.MILLISECONDS);
            return;
        }
        String target = delay > 0 ? RabbitMqTopology.retryQueue(queue) : queue;
        try {
            // waits for the confirm: the copy must be safe before the original goes, and a consumer failing
            // everything is held to the broker's pace instead of flooding it
            publisher.publish("", target, RabbitMqWireFormat.copyForRedelivery(delivery.message(),
                    delivery.republished() + 1, delay), "queue '" + target + "'");
        } catch (Exception e) {
            LOG.warn("Cannot re-publish {} to '{}' for redelivery ({}); requeueing it instead", delivery.id(),
                    target, e.getMessage());
            requeue(delivery);
            return;
        }
        // only now: a crash between the confirmed copy and this ack delivers the event twice, never zero times
        basicAck(delivery.channel(), delivery.deliveryTag(), false, delivery.id() + " (re-published)");
    }

    private void requeue(RabbitMqDelivery delivery) {
        try {
            delivery.channel().basicNack(delivery.deliveryTag(), false, true);
        } catch (Exception e) {
            LOG.warn("Cannot requeue {} ({}); RabbitMQ will deliver it again", delivery.id(),
                    RabbitMqErrors.describe(e));
        }
    }
}
