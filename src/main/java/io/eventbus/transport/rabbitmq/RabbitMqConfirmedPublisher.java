package io.eventbus.transport.rabbitmq;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpTimeoutException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes with publisher confirms and mandatory routing through Spring AMQP's {@link RabbitTemplate}, and
 * returns only once the broker has confirmed the message: routed to at least one queue and, the message being
 * persistent, written to disk.
 * <p>
 * Outcomes: confirmed — done; returned — {@link RabbitMqUnroutableException}; nacked by the broker —
 * {@link RabbitMqPublishException}; the connection lost or the broker unreachable — published again on a new
 * connection until the publish timeout (the message may then be enqueued twice, at-least-once), except while RabbitMQ
 * has never been reached since the start, when it fails at once; no confirm before
 * the timeout — {@link RabbitMqPublishException}.
 */
final class RabbitMqConfirmedPublisher {

    private static final long RETRY_PAUSE_MILLIS = 250;

    private final RabbitTemplate template;
    private final long timeoutMillis;
    /** Confirm correlation ids: unique per publisher, and cheaper than a random UUID per publish. */
    private final String correlationPrefix = UUID.randomUUID() + "-";
    private final AtomicLong correlations = new AtomicLong();
    private final BooleanSupplier reached;
    private final String address;

    /**
     * @param template a template on a connection factory with correlated confirms and returns, mandatory
     * @param reached  whether RabbitMQ has been reached since the start: until it has, an unreachable broker fails
     *                 a publish at once instead of after the timeout
     * @param address  where RabbitMQ is, for that failure's message (never credentials)
     */
    RabbitMqConfirmedPublisher(RabbitTemplate template, long timeoutMillis, BooleanSupplier reached, String address) {
        this.template = template;
        this.timeoutMillis = timeoutMillis;
        this.reached = reached;
        this.address = address;
    }

    /** @param what the destination in error messages, e.g. {@code topic 'orders'} */
    void publish(String exchange, String routingKey, Message message, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String lastFailure = null;
        while (true) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                throw new RabbitMqPublishException("publish to " + what + " not confirmed by RabbitMQ within "
                        + timeoutMillis + " ms (eventbus.rabbitmq.publish-timeout)"
                        + (lastFailure == null ? "" : ": " + lastFailure));
            }
            CorrelationData correlation = new CorrelationData(correlationPrefix + correlations.incrementAndGet());
            boolean acked;
            try {
                // a scoped operation: the channel stays with this thread until its confirm, which wakes this thread
                // directly (no hand-off through a future completed by another executor)
                acked = Boolean.TRUE.equals(template.invoke(operations -> {
                    operations.send(exchange, routingKey, message, correlation);
                    return operations.waitForConfirms(remaining);
                }));
            } catch (AmqpConnectException e) {
                if (!reached.getAsBoolean()) {
                    throw new RabbitMqPublishException("RabbitMQ at " + address + " is not reachable ("
                            + RabbitMqErrors.describe(e) + "); the publish to " + what + " can be retried once it is",
                            e);
                }
                lastFailure = "RabbitMQ is not reachable: " + RabbitMqErrors.describe(e);
                pause();
                continue;
            } catch (AmqpTimeoutException e) {
                continue;
            } catch (AmqpException e) {
                // the channel closed before the confirm came: the broker may or may not have the message
                lastFailure = RabbitMqErrors.describe(e);
                if (lastFailure.contains("NOT_FOUND")) {
                    throw new RabbitMqPublishException("RabbitMQ refused the event published to " + what + ": "
                            + lastFailure, e);
                }
                pause();
                continue;
            }
            if (correlation.getReturned() != null) {
                throw new RabbitMqUnroutableException("RabbitMQ returned the event published to " + what
                        + " as unroutable (" + correlation.getReturned().getReplyText() + "): no queue is bound to "
                        + "exchange '" + exchange + "' for routing key '" + routingKey + "'; start a consumer group "
                        + "of the topic or declare a queue and binding in eventbus.rabbitmq.topology.*");
            }
            if (acked) {
                return;
            }
            throw new RabbitMqPublishException("RabbitMQ refused (nacked) the event published to " + what
                    + " (a queue rejecting publishes when full, or an internal broker error)");
        }
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(RETRY_PAUSE_MILLIS);
    }
}
