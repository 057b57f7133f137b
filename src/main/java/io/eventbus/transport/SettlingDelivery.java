package io.eventbus.transport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The base of every transport's {@link Delivery}: settles exactly once, and lets the worker that handed it out wait
 * for that.
 * <p>
 * Who settles: the handler, or the exchange it started, from any thread, by {@link #ack()} or {@link #reject()};
 * the first call wins and runs the transport's {@link #onAck()} or {@link #onReject()} once, on the caller's
 * thread; later calls do nothing. Who waits: the transport's worker, in {@link #awaitSettled()}, which returns once
 * the hook has run, also when it threw — a broker call that failed must not keep the worker, and with it one of the
 * binding's {@code concurrency} slots, forever. Waiting there is what bounds a member's in-flight deliveries
 * (see {@link DeliveryWorkers}).
 */
public abstract class SettlingDelivery implements Delivery {

    private final AtomicBoolean settled = new AtomicBoolean();
    private final CountDownLatch settledLatch = new CountDownLatch(1);

    @Override
    public final void ack() {
        settle(true);
    }

    @Override
    public final void reject() {
        settle(false);
    }

    /**
     * The broker's side of an acknowledgement: the transport forgets the message for this group. Runs once, on the
     * settling thread; may block on the broker, not on another delivery.
     */
    protected abstract void onAck();

    /**
     * The broker's side of a rejection: the message becomes deliverable again after the binding's redelivery delay.
     * Runs once, on the settling thread; may block on the broker, not on another delivery.
     */
    protected abstract void onReject();

    /**
     * Blocks the delivering worker until this delivery is settled. A transport whose broker can take a message back
     * while it is in hand (a Kafka partition that moved) overrides it to stop waiting then; the late settlement is
     * then the transport's to ignore.
     */
    protected void awaitSettled() throws InterruptedException {
        settledLatch.await();
    }

    /** Waits up to the timeout; whether the delivery is settled. */
    protected final boolean awaitSettled(long timeout, TimeUnit unit) throws InterruptedException {
        return settledLatch.await(timeout, unit);
    }

    private void settle(boolean ack) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        try {
            if (ack) {
                onAck();
            } else {
                onReject();
            }
        } finally {
            settledLatch.countDown();
        }
    }
}
