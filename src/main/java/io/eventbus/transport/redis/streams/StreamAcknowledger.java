package io.eventbus.transport.redis.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges entries of one group with batched, pipelined {@code XACK}s: ids settled while an {@code XACK} is on
 * the wire are sent together in the next one (group commit), so a busy consumer sends few commands and an idle one
 * acknowledges at once, without a timer.
 * <p>
 * An {@code XACK} that fails (connection lost, group deleted) is logged and not retried: the entries stay pending
 * and are delivered again ({@code XAUTOCLAIM}), which is at-least-once; an acknowledgement is never assumed.
 */
final class StreamAcknowledger {

    private static final Logger LOG = LoggerFactory.getLogger(StreamAcknowledger.class);
    private static final int MOST_PER_XACK = 1000;

    private final RedisStreamsClient client;
    private final String stream;
    private final String group;
    private final ConcurrentLinkedQueue<String> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicInteger outstanding = new AtomicInteger();

    StreamAcknowledger(RedisStreamsClient client, String stream, String group) {
        this.client = client;
        this.stream = stream;
        this.group = group;
    }

    void acknowledge(String entryId) {
        outstanding.incrementAndGet();
        queued.add(entryId);
        sendIfIdle();
    }

    /** Waits until every acknowledgement queued so far has been answered, up to the timeout. */
    boolean awaitSent(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (outstanding.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    private void sendIfIdle() {
        while (!queued.isEmpty() && sending.compareAndSet(false, true)) {
            List<String> ids = new ArrayList<>();
            String id;
            while (ids.size() < MOST_PER_XACK && (id = queued.poll()) != null) {
                ids.add(id);
            }
            if (ids.isEmpty()) {
                sending.set(false);
                continue;
            }
            client.commands().xack(stream, group, ids.toArray(String[]::new)).whenComplete((acked, failure) -> {
                if (failure != null) {
                    LOG.warn("XACK of {} entries of stream {} group {} failed; they stay pending and will be "
                            + "delivered again: {}", ids.size(), stream, group, failure.getMessage());
                }
                outstanding.addAndGet(-ids.size());
                sending.set(false);
                sendIfIdle();
            });
            return;
        }
    }
}
