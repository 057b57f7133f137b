package io.eventbus.transport.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ReadWindowTest {

    @Test
    void takesWhatIsFreeUpToTheReadSize() throws Exception {
        ReadWindow window = new ReadWindow(100, 50);
        assertEquals(10, window.take(10, 1, TimeUnit.SECONDS));
        assertEquals(90, window.free());
        assertEquals(90, window.take(1000, 1, TimeUnit.SECONDS));
        assertEquals(0, window.free());
    }

    @Test
    void givesNothingWhileFewerThanTheReadBatchAreFree() throws Exception {
        ReadWindow window = new ReadWindow(100, 50);
        assertEquals(100, window.take(100, 1, TimeUnit.SECONDS));
        window.release(49);
        assertEquals(0, window.take(100, 20, TimeUnit.MILLISECONDS));
        assertEquals(49, window.free(), "a read that timed out takes nothing");
        window.release(1);
        assertEquals(50, window.take(100, 20, TimeUnit.MILLISECONDS));
    }

    @Test
    void aWaitingReaderWakesWhenSettledEntriesFreeTheReadBatch() throws Exception {
        ReadWindow window = new ReadWindow(8, 4);
        assertEquals(8, window.take(8, 1, TimeUnit.SECONDS));
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return window.take(8, 1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 4; i++) {
            window.release(1);
        }
        // well before the minute it may wait: the fourth release woke it
        assertEquals(4, read.get(30, TimeUnit.SECONDS));
    }

    @Test
    void placesFreedFromManyThreadsAreNeitherLostNorCountedTwice() throws Exception {
        ReadWindow window = new ReadWindow(1000, 500);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger starved = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                for (int taken = 0; taken < 100_000; ) {
                    int n = window.take(1000, 10, TimeUnit.SECONDS);
                    if (n == 0) {
                        starved.incrementAndGet();
                        return;
                    }
                    taken += n;
                    held.addAndGet(n);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        Thread[] settlers = new Thread[4];
        for (int t = 0; t < settlers.length; t++) {
            settlers[t] = new Thread(() -> {
                // settles one held entry at a time, as the workers do
                while (reader.isAlive() || held.get() > 0) {
                    int now = held.get();
                    if (now > 0 && held.compareAndSet(now, now - 1)) {
                        window.release(1);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
            settlers[t].start();
        }
        reader.join(TimeUnit.MINUTES.toMillis(1));
        for (Thread settler : settlers) {
            settler.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertEquals(0, starved.get(), "the reader waited 10 s with room freed: a wake-up was lost");
        assertEquals(1000, window.free(), "every place taken was given back exactly once");
    }

    @Test
    void anInterruptedReaderStops() throws Exception {
        ReadWindow window = new ReadWindow(4, 2);
        window.take(4, 1, TimeUnit.SECONDS);
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                read.complete(window.take(4, 1, TimeUnit.MINUTES));
            } catch (InterruptedException e) {
                read.completeExceptionally(e);
            }
        });
        reader.start();
        reader.interrupt();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> read.get(30, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof InterruptedException);
    }

    @Test
    void refusesAReadBatchLargerThanTheWindow() {
        assertThrows(IllegalArgumentException.class, () -> new ReadWindow(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new ReadWindow(10, 0));
    }
}
