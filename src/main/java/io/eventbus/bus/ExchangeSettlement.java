package io.eventbus.bus;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.Synchronization;

import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.errorhandling.FailedAttemptHook;
import io.eventbus.transport.Delivery;

/**
 * Settles a consumed delivery by how its exchange ended, and tells the bus's observer how, with what the exchange
 * learnt on the way. The exchange completing acknowledges it (processed, or dead-lettered by the route's error
 * handler); the exchange failing, or its dead letter failing to be written, rejects it for redelivery. Camel runs
 * this once, for the exchange the consumer created, never for the copies made of it.
 */
final class ExchangeSettlement implements Synchronization {

    private final Delivery delivery;
    private final Runnable beforeAck;
    private final BusObserver observer;
    private final ConsumerTags consumer;
    private final ConsumedEvent event;
    private final long consumedNanos;

    /**
     * @param beforeAck     run before the acknowledgement of a completed exchange (a request's reply)
     * @param consumedNanos {@link System#nanoTime} when the delivery reached the consumer
     */
    ExchangeSettlement(Delivery delivery, Runnable beforeAck, BusObserver observer, ConsumerTags consumer,
            ConsumedEvent event, long consumedNanos) {
        this.delivery = delivery;
        this.beforeAck = beforeAck;
        this.observer = observer;
        this.consumer = consumer;
        this.event = event;
        this.consumedNanos = consumedNanos;
    }

    @Override
    public void onComplete(Exchange exchange) {
        if (exchange.getProperty(BusConstants.DEAD_LETTER_FAILED) != null) {
            delivery.reject();
            tell(exchange, Settlement.Outcome.FAILED);
        } else {
            beforeAck.run();
            delivery.ack();
            tell(exchange, exchange.getProperty(BusConstants.DEAD_LETTERED) != null
                    ? Settlement.Outcome.DEAD_LETTERED : Settlement.Outcome.PROCESSED);
        }
    }

    @Override
    public void onFailure(Exchange exchange) {
        delivery.reject();
        tell(exchange, Settlement.Outcome.FAILED);
    }

    private void tell(Exchange exchange, Settlement.Outcome outcome) {
        Duration processing = Duration.ofNanos(System.nanoTime() - consumedNanos);
        boolean processed = outcome == Settlement.Outcome.PROCESSED;
        observer.settled(consumer, event.eventType(), new Settlement(outcome,
                FailedAttemptHook.redeliveriesOf(exchange),
                processed && exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class),
                processed ? latencyOf(event.publishedAt()) : null, processing));
    }

    private static Duration latencyOf(String publishedAt) {
        if (publishedAt == null) {
            return null;
        }
        try {
            return Duration.between(EnvelopeCodec.instantOf(publishedAt), Instant.now());
        } catch (DateTimeParseException e) {
            return null; // validated on consume: a consumed event always has one
        }
    }
}
