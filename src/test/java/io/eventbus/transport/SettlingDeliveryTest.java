package io.eventbus.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SettlingDeliveryTest {

    @Test
    void settlesOnceWhateverComesAfter() throws Exception {
        TestDelivery delivery = new TestDelivery("d");
        delivery.ack();
        delivery.reject();
        delivery.ack();
        assertEquals(1, delivery.acks.get());
        assertEquals(0, delivery.rejects.get());
        assertTrue(delivery.awaitSettled(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void runsOneHookWhenThreadsSettleAtOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            TestDelivery delivery = new TestDelivery("d" + round);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean ack = i % 2 == 0;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (ack) {
                        delivery.ack();
                    } else {
                        delivery.reject();
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, delivery.acks.get() + delivery.rejects.get());
        }
    }

    @Test
    void waitsUntilSettled() throws Exception {
        TestDelivery delivery = new TestDelivery("d");
        assertFalse(delivery.awaitSettled(20, TimeUnit.MILLISECONDS));
        new Thread(delivery::reject).start();
        delivery.awaitSettled();
        assertEquals(1, delivery.rejects.get());
    }

    @Test
    void aHookThatThrowsStillReleasesTheWaitingWorker() throws Exception {
        TestDelivery delivery = new TestDelivery("d");
        delivery.hookFailure = new IllegalStateException("channel closed");
        assertThrows(IllegalStateException.class, delivery::ack);
        assertTrue(delivery.awaitSettled(0, TimeUnit.MILLISECONDS));
        delivery.reject();
        assertEquals(0, delivery.rejects.get(), "settled already, even though the hook failed");
    }
}
