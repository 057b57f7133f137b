package io.eventbus.transport.memory;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.TransportConsumer;

/**
 * One group member on an in-memory topic: {@code concurrency} worker threads, each taking a delivery, handing it
 * to the handler and waiting until it is settled before taking the next — so in-flight work never exceeds the
 * concurrency, and with concurrency 1 events arrive in publish order.
 */
final class MemoryConsumer implements TransportConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryConsumer.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final CamelContext context;
    private final MemoryTopic topic;
    /** Resolved again at every start: the group may have been dropped while this member was stopped. */
    private volatile MemoryGroup group;
    private boolean attached;
    private final ConsumerBinding binding;
    private final DeliveryHandler handler;
    private final Consumer<MemoryConsumer> onStopped;
    private volatile boolean running;
    private ExecutorService workers;

    MemoryConsumer(CamelContext context, MemoryTopic topic, ConsumerBinding binding, DeliveryHandler handler,
            Consumer<MemoryConsumer> onStopped) {
        this.context = context;
        this.onStopped = onStopped;
        this.topic = topic;
        this.group = topic.group(binding.group(), binding.startPosition());
        this.binding = binding;
        this.handler = handler;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        group = topic.attach(binding.group(), binding.startPosition());
        attached = true;
        workers = context.getExecutorServiceManager().newFixedThreadPool(this,
                "bus-memory-" + topic.name() + "-" + binding.consumerName(), binding.concurrency());
        for (int i = 0; i < binding.concurrency(); i++) {
            workers.execute(this::work);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        wakeWorkers();
        if (workers != null) {
            // workers finish the delivery in hand, then see running == false; nothing is interrupted
            context.getExecutorServiceManager().shutdown(workers);
            workers = null;
        }
        leaveGroup();
        onStopped.accept(this);
    }

    /** The topic this member reads. */
    String topicName() {
        return topic.name();
    }

    /** The group this member belongs to. */
    String groupName() {
        return binding.group();
    }

    @Override
    public Map<String, Object> details() {
        topic.lock().lock();
        try {
            return Map.of("consumer", binding.consumerName(), "pending", group.pendingCount(), "lag", group.lag(),
                    "retained", topic.size());
        } finally {
            topic.lock().unlock();
        }
    }

    /** Stops at once, interrupting workers; unsettled deliveries stay pending. */
    synchronized void kill() {
        running = false;
        wakeWorkers();
        if (workers != null) {
            context.getExecutorServiceManager().shutdownNow(workers);
            workers = null;
        }
        leaveGroup();
    }

    /** Caller holds this consumer's monitor. */
    private void leaveGroup() {
        if (attached) {
            attached = false;
            topic.detach(group);
        }
    }

    /** Wakes workers waiting for a message, so that they see {@code running} is false at once. */
    private void wakeWorkers() {
        topic.lock().lock();
        try {
            topic.deliverable().signalAll();
        } finally {
            topic.lock().unlock();
        }
    }

    private void work() {
        MemoryGroup group = this.group;
        while (running) {
            MemoryDelivery delivery;
            topic.lock().lock();
            try {
                delivery = group.take(POLL_NANOS, binding.redeliveryDelay(), () -> running);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                topic.lock().unlock();
            }
            if (delivery == null) {
                continue;
            }
            try {
                handler.onDelivery(delivery);
            } catch (RuntimeException e) {
                LOG.error("Handler failed on {} of group {}; it will be redelivered", delivery.id(), group.name(), e);
                delivery.reject();
            }
            try {
                delivery.awaitSettled();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
