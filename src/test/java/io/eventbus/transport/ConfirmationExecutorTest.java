package io.eventbus.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfirmationExecutorTest {

    private CamelContext context;
    private ConfirmationExecutor executor;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
        executor = new ConfirmationExecutor(context, this, "test-confirmed");
    }

    @AfterEach
    void stop() {
        executor.close();
        context.stop();
    }

    @Test
    void runsEveryConfirmationOnceInArrivalOrderFromOneSubmitter() throws Exception {
        // no watchdog within the test: a drainer descheduled for two ticks on a busy machine would get a helper,
        // and two drainers keep no order
        executor.close();
        executor = new ConfirmationExecutor(context, this, "test-confirmed", TimeUnit.MINUTES.toMillis(10));
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(10_000);
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            executor.execute(() -> {
                ran.add(n);
                done.countDown();
            });
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), done.getCount() + " confirmations never ran");
        // one drainer: the order they came in
        assertEquals(IntStream.range(0, 10_000).boxed().toList(), ran);
    }

    @Test
    void aContinuationBlockedOnALaterConfirmationDoesNotDeadlock() throws Exception {
        // a route continuing on the drainer publishes again and waits for that publish's confirmation, which is
        // queued behind it: the watchdog must start another drainer to run it
        CompletableFuture<String> nested = new CompletableFuture<>();
        CompletableFuture<String> outer = new CompletableFuture<>();
        executor.execute(() -> {
            executor.execute(() -> nested.complete("nested confirmed"));
            outer.complete(nested.join());
        });
        assertEquals("nested confirmed", outer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void confirmationsArrivingAfterCloseStillRun() {
        executor.close();
        AtomicInteger ran = new AtomicInteger();
        executor.execute(ran::incrementAndGet);
        // on the calling thread: a publish confirmed while its transport stops must not leave its caller waiting
        assertEquals(1, ran.get());
        assertEquals(0, executor.drainers());
    }

    @Test
    void confirmationsFromManyThreadsAllRun() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Thread[] submitters = new Thread[4];
        for (int t = 0; t < submitters.length; t++) {
            submitters[t] = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    executor.execute(ran::incrementAndGet);
                }
            });
            submitters[t].start();
        }
        for (Thread submitter : submitters) {
            submitter.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ran.get() < 20_000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(20_000, ran.get());
        // drainers end when the queue is empty, and then the watchdog stops ticking
        while ((executor.drainers() > 0 || executor.watching()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, executor.drainers());
        assertFalse(executor.watching(), "an idle executor still schedules watchdog ticks");
    }
}
