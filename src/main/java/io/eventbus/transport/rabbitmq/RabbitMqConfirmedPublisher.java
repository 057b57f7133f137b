package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;

/**
 * Publishes with publisher confirms and mandatory routing through Spring AMQP, each publish completing its own
 * future once the broker has answered it: confirmed means routed to at least one queue and, the message being
 * persistent, written to disk. The caller is not held while the broker works, so one thread keeps many publishes in
 * flight ({@link #publishAsync}); {@link #publish} waits for the same outcome.
 * <p>
 * Outcomes: confirmed — done; returned — {@link RabbitMqUnroutableException}; nacked by the broker —
 * {@link RabbitMqPublishException}; the channel or connection lost before the confirm — published again on a new
 * channel until the publish timeout (the message may then be enqueued twice, at-least-once), except while RabbitMQ
 * has never been reached since the start, when it fails at once; no confirm before the timeout —
 * {@link RabbitMqPublishException}. A publish that finds {@code max-in-flight} publishes awaiting their confirms
 * waits for one of them to end (at most until its own timeout) before it goes out ({@link RabbitMqInFlightPublishes}).
 * <p>
 * Threads: a confirm, return or broker nack completes the future on the connection's I/O thread, a lost channel's
 * nack on Spring AMQP's channel executor, a timeout or a retry's failure on the transport's publishing timer. Whoever
 * continues on the future must not block there: {@link RabbitMqTransport} moves its callers to its confirmation
 * executor. Retries and deadlines run on the timer, so no I/O thread ever opens a channel.
 */
final class RabbitMqConfirmedPublisher implements AutoCloseable {

    private static final long RETRY_PAUSE_MILLIS = 250;
    /** How often the deadlines of unconfirmed publishes are checked, while there are any. */
    private static final long DEADLINE_CHECK_MILLIS = 100;

    private final RabbitMqPublishingChannels channels;
    private final RabbitMqInFlightPublishes inFlight;
    private final ScheduledExecutorService timer;
    private final long timeoutMillis;
    /** Confirm correlation ids: unique per publisher, and cheaper than a random UUID per publish. */
    private final String correlationPrefix = UUID.randomUUID() + "-";
    private final AtomicLong correlations = new AtomicLong();
    private final BooleanSupplier reached;
    private final String address;
    /** Publishes whose channel or connection was lost, waiting to be tried again together at the next round. */
    private final ConcurrentLinkedQueue<RabbitMqPendingPublish> retries = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean retryRoundScheduled = new AtomicBoolean();
    /** Whether a deadline check is scheduled: from the first publish in flight until none is. */
    private final AtomicBoolean checkingDeadlines = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param channels where publishes go out, on a connection factory with correlated confirms and returns
     * @param inFlight the bound on publishes awaiting their confirms
     * @param timer    runs retries and deadline checks: one thread, never an I/O thread of the client
     * @param reached  whether RabbitMQ has been reached since the start: until it has, an unreachable broker fails
     *                 a publish at once instead of after the timeout
     * @param address  where RabbitMQ is, for that failure's message (never credentials)
     */
    RabbitMqConfirmedPublisher(RabbitMqPublishingChannels channels, RabbitMqInFlightPublishes inFlight,
            ScheduledExecutorService timer, long timeoutMillis, BooleanSupplier reached, String address) {
        this.channels = channels;
        this.inFlight = inFlight;
        this.timer = timer;
        this.timeoutMillis = timeoutMillis;
        this.reached = reached;
        this.address = address;
    }

    /**
     * Publishes and returns the publish's outcome, to come. Blocks only while {@code max-in-flight} publishes await
     * their confirms (at most the publish timeout).
     *
     * @param what the destination in error messages, e.g. {@code topic 'orders'}
     */
    CompletableFuture<Void> publishAsync(String exchange, String routingKey, Message message, String what) {
        RabbitMqPendingPublish publish = new RabbitMqPendingPublish(exchange, routingKey, message, what,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        if (closed) {
            return CompletableFuture.failedFuture(transportClosed(publish));
        }
        try {
            if (!inFlight.admit(publish)) {
                return CompletableFuture.failedFuture(new RabbitMqPublishException("publish to " + what
                        + " not made: " + inFlight.limit() + " publishes (eventbus.rabbitmq.max-in-flight) awaited "
                        + "RabbitMQ's confirms for the whole publish timeout of " + timeoutMillis
                        + " ms (eventbus.rabbitmq.publish-timeout)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new RabbitMqPublishException("interrupted while the publish to "
                    + what + " waited for one of the publishes in flight to be confirmed", e));
        }
        watchDeadlines();
        attempt(publish);
        return publish.outcome;
    }

    /** Publishes and returns once the broker confirmed; throws what {@link #publishAsync}'s future fails with. */
    void publish(String exchange, String routingKey, Message message, String what) throws Exception {
        try {
            // the deadline check ends every publish by its timeout, so this wait ends too
            publishAsync(exchange, routingKey, message, what).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Sends the publish once more, unless it was settled meanwhile. False when RabbitMQ could not be reached: the
     * publishes of the same retry round would only fail the same way.
     */
    private boolean attempt(RabbitMqPendingPublish publish) {
        if (inFlight.isSettled(publish)) {
            return true;
        }
        if (closed) {
            settle(publish, transportClosed(publish));
            return true;
        }
        if (publish.expiredAt(System.nanoTime())) {
            settle(publish, notConfirmedInTime(publish));
            return true;
        }
        CorrelationData correlation = new CorrelationData(correlationPrefix + correlations.incrementAndGet());
        try {
            channels.send(publish.exchange, publish.routingKey, publish.message, correlation);
        } catch (AmqpConnectException e) {
            if (!reached.getAsBoolean()) {
                settle(publish, new RabbitMqPublishException("RabbitMQ at " + address + " is not reachable ("
                        + RabbitMqErrors.describe(e) + "); the publish to " + publish.what
                        + " can be retried once it is", e));
                return true;
            }
            retryLater(publish, "RabbitMQ is not reachable: " + RabbitMqErrors.describe(e));
            return false;
        } catch (AmqpException e) {
            retryLater(publish, RabbitMqErrors.describe(e));
            return true;
        }
        correlation.getFuture().whenComplete((confirm, failure) -> {
            if (failure != null) {
                retryLater(publish, RabbitMqErrors.describe(failure));
            } else {
                answered(publish, correlation, confirm.isAck(), confirm.getReason());
            }
        });
        return true;
    }

    /**
     * The broker's answer to one attempt, or Spring AMQP's nack with a reason for an attempt whose channel closed
     * first. A return comes before its confirm on the same channel and Spring AMQP records it on the correlation
     * before completing the confirm, so a returned publish is known here.
     */
    private void answered(RabbitMqPendingPublish publish, CorrelationData correlation, boolean ack,
            String channelClosedReason) {
        ReturnedMessage returned = correlation.getReturned();
        if (returned != null) {
            settle(publish, new RabbitMqUnroutableException("RabbitMQ returned the event published to "
                    + publish.what + " as unroutable (" + returned.getReplyText() + "): no queue is bound to "
                    + "exchange '" + publish.exchange + "' for routing key '" + publish.routingKey + "'; start a "
                    + "consumer group of the topic or declare a queue and binding in eventbus.rabbitmq.topology.*"));
        } else if (ack) {
            settle(publish, null);
        } else if (channelClosedReason == null) {
            settle(publish, new RabbitMqPublishException("RabbitMQ refused (nacked) the event published to "
                    + publish.what + " (a queue rejecting publishes when full, or an internal broker error)"));
        } else if (RabbitMqErrors.isMissingExchange(channelClosedReason, publish.exchange)) {
            // the broker closed the channel over this publish: trying again would fail again
            settle(publish, new RabbitMqPublishException("RabbitMQ refused the event published to " + publish.what
                    + ": " + RabbitMqErrors.replyTextOf(channelClosedReason)));
        } else {
            // the channel closed before the confirm came: the broker may or may not have the message
            retryLater(publish, RabbitMqErrors.replyTextOf(channelClosedReason));
        }
    }

    /** Queues the publish for the next retry round, {@value #RETRY_PAUSE_MILLIS} ms from now. */
    private void retryLater(RabbitMqPendingPublish publish, String failure) {
        publish.lastFailure = failure;
        retries.add(publish);
        if (retryRoundScheduled.compareAndSet(false, true)) {
            try {
                timer.schedule(this::retryRound, RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                retryRoundScheduled.set(false);
                for (RabbitMqPendingPublish waiting; (waiting = retries.poll()) != null;) {
                    settle(waiting, transportClosed(waiting));
                }
            }
        }
    }

    /**
     * Tries the waiting publishes again, in the order they failed. Once one finds RabbitMQ unreachable the others
     * wait for the next round: a broker that is down would otherwise get a connection attempt per publish in flight.
     */
    private void retryRound() {
        retryRoundScheduled.set(false);
        List<RabbitMqPendingPublish> due = new ArrayList<>();
        for (RabbitMqPendingPublish waiting; (waiting = retries.poll()) != null;) {
            due.add(waiting);
        }
        for (int i = 0; i < due.size(); i++) {
            if (!attempt(due.get(i))) {
                for (RabbitMqPendingPublish later : due.subList(i + 1, due.size())) {
                    retryLater(later, later.lastFailure);
                }
                return;
            }
        }
    }

    private void watchDeadlines() {
        if (!checkingDeadlines.get() && checkingDeadlines.compareAndSet(false, true)) {
            scheduleDeadlineCheck();
        }
    }

    private void scheduleDeadlineCheck() {
        try {
            timer.schedule(this::checkDeadlines, DEADLINE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the transport is closing: close() fails what is still in flight
            checkingDeadlines.set(false);
        }
    }

    /** Fails the publishes past their deadline; checks again while any is in flight, and stops when none is. */
    private void checkDeadlines() {
        for (RabbitMqPendingPublish late : inFlight.expiredAt(System.nanoTime())) {
            settle(late, notConfirmedInTime(late));
        }
        if (inFlight.size() > 0) {
            scheduleDeadlineCheck();
            return;
        }
        checkingDeadlines.set(false);
        // a publish admitted after the check above found this check still scheduled and counted on it
        if (inFlight.size() > 0 && checkingDeadlines.compareAndSet(false, true)) {
            scheduleDeadlineCheck();
        }
    }

    /** Ends the publish with its outcome (null: confirmed), unless something else ended it first. */
    private void settle(RabbitMqPendingPublish publish, Exception failure) {
        if (!inFlight.settle(publish)) {
            return;
        }
        if (failure == null) {
            publish.outcome.complete(null);
        } else {
            publish.outcome.completeExceptionally(failure);
        }
    }

    private RabbitMqPublishException notConfirmedInTime(RabbitMqPendingPublish publish) {
        String last = publish.lastFailure;
        return new RabbitMqPublishException("publish to " + publish.what + " not confirmed by RabbitMQ within "
                + timeoutMillis + " ms (eventbus.rabbitmq.publish-timeout)" + (last == null ? "" : ": " + last));
    }

    private static RabbitMqPublishException transportClosed(RabbitMqPendingPublish publish) {
        return new RabbitMqPublishException("the RabbitMQ transport closed before RabbitMQ confirmed the publish to "
                + publish.what + "; it may or may not have been enqueued");
    }

    /**
     * Ends what is still in flight: called once the connections are closed, when no confirm can come any more. New
     * publishes fail at once.
     */
    @Override
    public void close() {
        closed = true;
        channels.close();
        for (RabbitMqPendingPublish publish : inFlight.unsettled()) {
            settle(publish, transportClosed(publish));
        }
    }
}
