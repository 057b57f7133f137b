package io.eventbus.transport;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer-group member's workers: {@code concurrency} threads, each taking a delivery from the transport's
 * {@link DeliverySource}, handing it to the {@link DeliveryHandler} and waiting until it is settled before taking
 * the next. Waiting is the back-pressure: in-flight deliveries never exceed the concurrency, so a member takes no
 * more from the broker than its exchanges can work on, and with concurrency 1 deliveries are handled in the order
 * the source gives them.
 * <p>
 * The threads come from Camel's {@code ExecutorServiceManager}, named as the transport says (Camel shuts them down
 * with the context). One instance serves one start of a member: a member started again makes new workers, so a
 * worker of the previous start still finishing its delivery never joins the new ones.
 * <p>
 * A transport whose client owns the consuming threads (RabbitMQ's listener container) uses only
 * {@link #deliver}, the step each worker runs.
 */
public final class DeliveryWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorkers.class);
    /** How long an idle worker waits for a delivery before looking again whether it should stop. */
    static final long IDLE_WAIT_MILLIS = 100;

    private final CamelContext context;
    private final Object owner;
    private final String threadName;
    private final int concurrency;
    private final DeliverySource source;
    private final DeliveryHandler handler;
    private final String origin;
    private volatile boolean running;
    private boolean started;
    private ExecutorService threads;

    /**
     * @param owner       the transport's consumer, for Camel's thread pool registry
     * @param threadName  the workers' name, e.g. {@code bus-memory-<topic>-<consumer>}
     * @param concurrency the number of workers, the most deliveries in flight
     * @param origin      where the deliveries come from, for the log: {@code group orders}, {@code stream s}
     */
    public DeliveryWorkers(CamelContext context, Object owner, String threadName, int concurrency,
            DeliverySource source, DeliveryHandler handler, String origin) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1 but was " + concurrency);
        }
        this.context = context;
        this.owner = owner;
        this.threadName = threadName;
        this.concurrency = concurrency;
        this.source = source;
        this.handler = handler;
        this.origin = origin;
    }

    /** Starts the workers; once only. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the workers " + threadName + " were started before");
        }
        started = true;
        running = true;
        threads = context.getExecutorServiceManager().newFixedThreadPool(owner, threadName, concurrency);
        for (int i = 0; i < concurrency; i++) {
            threads.execute(this::work);
        }
    }

    /**
     * Takes no more deliveries and returns at once: each worker finishes the delivery in hand (handled and settled),
     * then ends. Nothing is interrupted.
     */
    public synchronized void stop() {
        running = false;
        if (threads != null) {
            context.getExecutorServiceManager().shutdown(threads);
            threads = null;
        }
    }

    /**
     * As {@link #stop()}, then waits until the workers ended, up to Camel's shutdown timeout, after which they are
     * interrupted. For a transport that gives back, after the stop, what its workers did not take.
     */
    public synchronized void stopAndWait() {
        running = false;
        if (threads != null) {
            context.getExecutorServiceManager().shutdownGraceful(threads);
            threads = null;
        }
    }

    /** Stops at once, interrupting the workers: the deliveries in hand stay unsettled, for the broker to redeliver. */
    public synchronized void kill() {
        running = false;
        if (threads != null) {
            context.getExecutorServiceManager().shutdownNow(threads);
            threads = null;
        }
    }

    private void work() {
        while (running) {
            SettlingDelivery delivery;
            try {
                delivery = source.next(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                if (delivery != null) {
                    deliver(handler, delivery, origin);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Hands one delivery to the handler on the calling thread and blocks it until the delivery is settled. A handler
     * that throws has not settled it: the delivery is rejected, to be redelivered, and the failure logged.
     *
     * @param origin where the delivery comes from, for the log: {@code group orders}, {@code stream s}
     * @throws InterruptedException when the thread is interrupted while waiting: the delivery stays unsettled
     */
    public static void deliver(DeliveryHandler handler, SettlingDelivery delivery, String origin)
            throws InterruptedException {
        try {
            handler.onDelivery(delivery);
        } catch (RuntimeException | LinkageError e) {
            // a LinkageError too: a class missing from the deployment (a bundle not installed) fails this delivery,
            // not the worker, which would otherwise end and leave it unsettled for good
            LOG.error("Handler failed on {} of {}; it will be redelivered", delivery.id(), origin, e);
            delivery.reject();
        }
        delivery.awaitSettled();
    }
}
