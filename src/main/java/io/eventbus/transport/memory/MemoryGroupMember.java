package io.eventbus.transport.memory;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;

import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.DeliveryWorkers;
import io.eventbus.transport.TransportConsumer;

/**
 * One group member on an in-memory topic: {@link DeliveryWorkers} taking from the group ({@link MemoryGroup#take}),
 * so in-flight work never exceeds the concurrency, and with concurrency 1 events arrive in publish order.
 */
final class MemoryGroupMember implements TransportConsumer {

    private final CamelContext context;
    private final MemoryTopic topic;
    /** Resolved again at every start: the group may have been dropped while this member was stopped. */
    private volatile MemoryGroup group;
    private boolean attached;
    private final ConsumerBinding binding;
    private final DeliveryHandler handler;
    private final Consumer<MemoryGroupMember> onStopped;
    private volatile boolean running;
    private DeliveryWorkers workers;

    MemoryGroupMember(CamelContext context, MemoryTopic topic, ConsumerBinding binding, DeliveryHandler handler,
            Consumer<MemoryGroupMember> onStopped) {
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
        workers = new DeliveryWorkers(context, this, "bus-memory-" + topic.name() + "-" + binding.consumerName(),
                binding.concurrency(), this::take, handler, "group " + binding.group());
        workers.start();
    }

    @Override
    public synchronized void stop() {
        halt(DeliveryWorkers::stop);
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
        halt(DeliveryWorkers::kill);
    }

    /** Takes nothing more, stops the workers as told and leaves the group; caller holds this consumer's monitor. */
    private void halt(Consumer<DeliveryWorkers> stopWorkers) {
        running = false;
        wakeWorkers();
        if (workers != null) {
            stopWorkers.accept(workers);
            workers = null;
        }
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

    /** The group's next delivery for this member; none once it stopped (checked under the topic's lock). */
    private MemoryDelivery take(long timeout, TimeUnit unit) throws InterruptedException {
        MemoryGroup group = this.group;
        topic.lock().lock();
        try {
            return group.take(unit.toNanos(timeout), binding.redeliveryDelay(), () -> running);
        } finally {
            topic.lock().unlock();
        }
    }
}
