package io.eventbus.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryWorkersTest {

    private CamelContext context;
    private final BlockingQueue<TestDelivery> queue = new LinkedBlockingQueue<>();
    private DeliveryWorkers workers;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stop() {
        if (workers != null) {
            workers.kill();
        }
        context.stop();
    }

    private DeliveryWorkers workers(int concurrency, DeliveryHandler handler) {
        workers = new DeliveryWorkers(context, this, "test-workers", concurrency, queue::poll, handler, "group g");
        workers.start();
        return workers;
    }

    @Test
    void aHandlerThatThrowsHasTheDeliveryRejectedAndTheCallerReleased() throws Exception {
        TestDelivery delivery = new TestDelivery("d");
        DeliveryWorkers.deliver(d -> {
            throw new IllegalStateException("route failed");
        }, delivery, "group g");
        assertEquals(1, delivery.rejects.get());
        assertEquals(0, delivery.acks.get());
    }

    @Test
    void theCallerWaitsUntilTheWorkItStartedSettles() throws Exception {
        TestDelivery delivery = new TestDelivery("d");
        DeliveryWorkers.deliver(d -> new Thread(() -> {
            sleep(50);
            d.ack();
        }).start(), delivery, "group g");
        assertEquals(1, delivery.acks.get(), "deliver returned before the settlement");
    }

    @Test
    void neverMoreInFlightThanTheConcurrency() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(60);
        workers(3, d -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            // settled on another thread, later, as an exchange would
            new Thread(() -> {
                sleep(5);
                inFlight.decrementAndGet();
                d.ack();
                done.countDown();
            }).start();
        });
        for (int i = 0; i < 60; i++) {
            queue.add(new TestDelivery("d" + i));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(3, most.get());
    }

    @Test
    void oneWorkerHandlesInTheSourcesOrder() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(100);
        workers(1, d -> {
            handled.add(d.id());
            done.countDown();
            if (handled.size() % 3 == 0) {
                throw new IllegalStateException("every third fails");
            }
            d.ack();
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            queue.add(new TestDelivery("d" + i));
            expected.add("d" + i);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(expected, handled);
    }

    @Test
    void stopLetsTheDeliveryInHandSettleAndTakesNoMore() throws Exception {
        TestDelivery first = new TestDelivery("first");
        Thread worker = oneWorkerHolding(first);
        workers.stop();
        queue.add(new TestDelivery("second"));
        sleep(DeliveryWorkers.IDLE_WAIT_MILLIS);
        assertTrue(worker.isAlive(), "the worker waits for the delivery in hand");
        first.ack();
        worker.join(5_000);
        assertFalse(worker.isAlive(), "the worker ends once the delivery in hand settled");
        assertEquals(1, queue.size(), "taken after the stop");
    }

    @Test
    void killInterruptsTheWorkerWaitingForASettlement() throws Exception {
        TestDelivery delivery = new TestDelivery("d");
        Thread worker = oneWorkerHolding(delivery);
        workers.kill();
        worker.join(5_000);
        assertFalse(worker.isAlive(), "the worker ends without the settlement");
        assertFalse(delivery.awaitSettled(0, TimeUnit.MILLISECONDS), "left unsettled, for the broker to redeliver");
    }

    /** Starts one worker and hands it the delivery, which its handler leaves unsettled; returns the worker. */
    private Thread oneWorkerHolding(TestDelivery delivery) throws InterruptedException {
        BlockingQueue<Thread> worker = new LinkedBlockingQueue<>();
        workers(1, d -> worker.add(Thread.currentThread()));
        queue.add(delivery);
        Thread thread = worker.poll(5, TimeUnit.SECONDS);
        assertTrue(thread != null, "the delivery was never handed out");
        return thread;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
