package io.eventbus.transport;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a transport completes its publish confirmations: off the client's I/O thread (Lettuce's event loop, the
 * Kafka producer's network thread), in arrival order, on as few threads as keep them moving.
 * <p>
 * The caller of an asynchronous publish (a Camel route) continues on the thread that completes it, and may block
 * there on another publish: a dead-letter write, a {@code ProducerTemplate} call. On the I/O thread that would wait
 * for a reply the same thread has to read. So the confirmation must hop. A cached thread pool hops safely, but it
 * wakes a thread for every publish, which cost a tenth of the Redis benchmark's throughput. A fixed pool wakes fewer,
 * but deadlocks when its threads block on confirmations queued behind them.
 * <p>
 * This executor queues the confirmations and runs them with one drainer thread while that keeps up, so a burst costs
 * one wake-up. While any drainer runs, a watchdog checks the queue every {@value #TICK_MILLIS} ms: when confirmations
 * wait and none ran since the last check (a drainer is blocked), it starts one more drainer, as a {@code ForkJoinPool}
 * compensates for blocked workers. An idle executor schedules nothing. A blocked continuation thus delays the others by a tick or two, and never deadlocks them. Drainers
 * come from a cached pool and end when the queue is empty; once closed, confirmations run on the calling thread.
 */
public final class ConfirmationExecutor implements Executor, AutoCloseable {

    static final long TICK_MILLIS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(ConfirmationExecutor.class);

    private final CamelContext context;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private final AtomicLong ran = new AtomicLong();
    private final ExecutorService threads;
    private final ScheduledExecutorService watchdog;
    private final long tickMillis;
    /** Whether a watchdog tick is scheduled: from the first drainer's start until no drainer runs. */
    private final AtomicBoolean watching = new AtomicBoolean();
    /** What {@link #ran} was at the previous tick; only the watchdog's thread touches it. */
    private long ranAtLastTick = -1;

    /**
     * @param owner the transport, for Camel's thread names and shutdown
     * @param name  the threads' name, e.g. {@code bus-redis-confirmed}
     */
    public ConfirmationExecutor(CamelContext context, Object owner, String name) {
        this(context, owner, name, TICK_MILLIS);
    }

    /** With another watchdog period: a test that must see one drainer only gives it a long one. */
    ConfirmationExecutor(CamelContext context, Object owner, String name, long tickMillis) {
        this.context = context;
        this.threads = context.getExecutorServiceManager().newCachedThreadPool(owner, name);
        this.watchdog = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(owner,
                name + "-watchdog");
        this.tickMillis = tickMillis;
    }

    @Override
    public void execute(Runnable confirmation) {
        queue.offer(confirmation);
        if (drainers.get() == 0 && drainers.compareAndSet(0, 1)) {
            startDrainer();
        }
    }

    /** Drainers running now: 1 while they keep up, more while some are blocked. */
    int drainers() {
        return drainers.get();
    }

    /** Whether the watchdog has a tick scheduled. */
    boolean watching() {
        return watching.get();
    }

    private void startDrainer() {
        try {
            threads.execute(this::drain);
            if (watching.compareAndSet(false, true)) {
                scheduleTick();
            }
        } catch (RejectedExecutionException stopped) {
            // closed while publishes were still being confirmed (a transport stopping): run them here rather than
            // leave their callers waiting for good
            drain();
        }
    }

    private void drain() {
        while (true) {
            Runnable confirmation;
            while ((confirmation = queue.poll()) != null) {
                try {
                    confirmation.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("A publish confirmation's continuation failed: {}", e.getMessage(), e);
                }
                ran.incrementAndGet();
            }
            drainers.decrementAndGet();
            // a confirmation queued after the last poll, whose execute() still counted this drainer, is ours
            if (queue.isEmpty()) {
                return;
            }
            drainers.incrementAndGet();
        }
    }

    private void scheduleTick() {
        try {
            watchdog.schedule(this::tick, tickMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            watching.set(false);
        }
    }

    private void tick() {
        long now = ran.get();
        if (!queue.isEmpty() && now == ranAtLastTick) {
            drainers.incrementAndGet();
            startDrainer();
        }
        ranAtLastTick = now;
        if (drainers.get() > 0 || !queue.isEmpty()) {
            scheduleTick();
            return;
        }
        watching.set(false);
        // a drainer that started after the check above saw this tick still scheduled and counted on it
        if ((drainers.get() > 0 || !queue.isEmpty()) && watching.compareAndSet(false, true)) {
            scheduleTick();
        }
    }

    @Override
    public void close() {
        context.getExecutorServiceManager().shutdownNow(watchdog);
        context.getExecutorServiceManager().shutdown(threads);
    }
}
