package io.eventbus.transport.rabbitmq;

import java.util.concurrent.CompletableFuture;

import org.springframework.amqp.core.Message;

/**
 * One publish from its admission until RabbitMQ confirmed, returned or nacked it, or its publish timeout passed;
 * across the attempts a lost channel or connection makes it take, each with a correlation of its own.
 */
final class RabbitMqPendingPublish {

    final String exchange;
    final String routingKey;
    final Message message;
    /** The destination in error messages, e.g. {@code topic 'orders'}. */
    final String what;
    /** {@link System#nanoTime()} by which it must be confirmed. */
    final long deadlineNanos;
    /** Completed once, with how the publish ended, by whoever settled it in {@link RabbitMqInFlightPublishes}. */
    final CompletableFuture<Void> outcome = new CompletableFuture<>();
    /** Why the last attempt did not end it, for the timeout's message; null while none failed. */
    volatile String lastFailure;

    RabbitMqPendingPublish(String exchange, String routingKey, Message message, String what, long deadlineNanos) {
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.message = message;
        this.what = what;
        this.deadlineNanos = deadlineNanos;
    }

    boolean expiredAt(long nanoTime) {
        return nanoTime - deadlineNanos >= 0;
    }
}
