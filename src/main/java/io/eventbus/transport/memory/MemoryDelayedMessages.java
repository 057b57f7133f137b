package io.eventbus.transport.memory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.OutboundMessage;

/**
 * Delayed messages of the in-memory transport: each waits on one scheduler thread and is appended to its topic when
 * due, so no consumer sees it before. A topic full at that moment is tried again every
 * {@value #FULL_RETRY_MILLIS} ms rather than dropping the message. Like the rest of the transport, nothing here
 * survives the process: messages still waiting when the transport closes are gone (their number is logged).
 */
final class MemoryDelayedMessages implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryDelayedMessages.class);
    private static final long FULL_RETRY_MILLIS = 100;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bus-memory-delayed");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger waiting = new AtomicInteger();

    /** Appends the message to the topic at its due time ({@link DeliverAt}); returns at once. */
    void schedule(MemoryTopic topic, OutboundMessage message) {
        waiting.incrementAndGet();
        scheduler.schedule(() -> append(topic, message), remaining(message), TimeUnit.MILLISECONDS);
    }

    private void append(MemoryTopic topic, OutboundMessage message) {
        try {
            // never waits: a full topic must not hold up the messages due after this one
            topic.append(message, 0);
            waiting.decrementAndGet();
        } catch (MemoryTopicFullException full) {
            scheduler.schedule(() -> append(topic, message), FULL_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        }
    }

    private static long remaining(OutboundMessage message) {
        return Math.max(0, DeliverAt.remainingMillis(message, System.currentTimeMillis()));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        int lost = waiting.get();
        if (lost > 0) {
            LOG.warn("{} delayed events were still waiting in memory when the transport closed and are gone "
                    + "(the memory transport keeps nothing across a restart)", lost);
        }
    }
}
