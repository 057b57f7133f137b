package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bound on publishes awaiting RabbitMQ's confirms (no broker): never more than max-in-flight hold a place, a
 * settled publish frees its place exactly once, and what is past its deadline is found.
 */
class RabbitMqInFlightPublishesTest {

    private static RabbitMqPendingPublish publish(long deadlineNanos) {
        return new RabbitMqPendingPublish("orders", "orders", new Message(new byte[0]), "topic 'orders'",
                deadlineNanos);
    }

    /** A deadline that has already passed: admission then takes a free place or gives up without waiting. */
    private static RabbitMqPendingPublish due() {
        return publish(System.nanoTime());
    }

    @Test
    void noMoreThanTheLimitHoldAPlace() throws Exception {
        RabbitMqInFlightPublishes inFlight = new RabbitMqInFlightPublishes(3);
        List<RabbitMqPendingPublish> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RabbitMqPendingPublish p = due();
            assertTrue(inFlight.admit(p), "place " + (i + 1) + " of 3");
            admitted.add(p);
        }
        assertFalse(inFlight.admit(due()), "a fourth publish must wait for a place");
        assertEquals(3, inFlight.size());

        assertTrue(inFlight.settle(admitted.get(1)));
        RabbitMqPendingPublish next = due();
        assertTrue(inFlight.admit(next), "the settled publish's place is free again");
        assertFalse(inFlight.admit(due()));
        assertEquals(3, inFlight.size());
    }

    @Test
    void aPublishIsSettledOnceAndFreesOnePlace() throws Exception {
        RabbitMqInFlightPublishes inFlight = new RabbitMqInFlightPublishes(1);
        RabbitMqPendingPublish p = due();
        assertTrue(inFlight.admit(p));
        assertFalse(inFlight.isSettled(p));

        assertTrue(inFlight.settle(p), "the confirm settles it");
        assertFalse(inFlight.settle(p), "the timeout, racing the confirm, finds it settled");
        assertTrue(inFlight.isSettled(p));

        // a second settle freeing a second place would let two publishes in with a limit of one
        assertTrue(inFlight.admit(due()));
        assertFalse(inFlight.admit(due()));
    }

    @Test
    void aWaitingPublishGetsThePlaceASettledOneFrees() throws Exception {
        RabbitMqInFlightPublishes inFlight = new RabbitMqInFlightPublishes(1);
        RabbitMqPendingPublish first = due();
        assertTrue(inFlight.admit(first));
        RabbitMqPendingPublish waiting = publish(System.nanoTime() + TimeUnit.MINUTES.toNanos(5));
        CompletableFuture<Boolean> admitted = CompletableFuture.supplyAsync(() -> {
            try {
                return inFlight.admit(waiting);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        inFlight.settle(first);
        assertTrue(admitted.get(5, TimeUnit.MINUTES));
        assertEquals(List.of(waiting), inFlight.unsettled());
    }

    @Test
    void thePublishesPastTheirDeadlineAreFound() throws Exception {
        RabbitMqInFlightPublishes inFlight = new RabbitMqInFlightPublishes(10);
        long now = System.nanoTime();
        RabbitMqPendingPublish late = publish(now - 1);
        RabbitMqPendingPublish onTime = publish(now + TimeUnit.MINUTES.toNanos(5));
        RabbitMqPendingPublish lateButSettled = publish(now - 1);
        assertTrue(inFlight.admit(late));
        assertTrue(inFlight.admit(onTime));
        assertTrue(inFlight.admit(lateButSettled));
        inFlight.settle(lateButSettled);

        assertEquals(List.of(late), inFlight.expiredAt(now));
    }
}
