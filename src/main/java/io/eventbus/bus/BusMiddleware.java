package io.eventbus.bus;

import org.apache.camel.Exchange;

/**
 * Wraps the processing of every event a {@code bus:} consumer hands to its route, without touching the routes
 * (as Watermill's middleware): logging, metrics, auditing, a policy check. A middleware is a bean of this type
 * in the Camel registry (a YAML {@code beans:} entry, a Java {@code bind}), or a built-in ({@code logging},
 * {@code metrics}), switched on by naming it in {@code eventbus.middleware}; beans of this type not named there run
 * after the named ones, in the order of their bean names.
 * <p>
 * Contract: for each exchange, {@link #before} runs in the order of the list before the route, and {@link #after}
 * in reverse order once the route has finished and the delivery has been settled (acknowledged, or rejected for
 * redelivery). A middleware is shared by every consumer and called from many threads at once; state about one
 * exchange belongs in the exchange's properties.
 */
public interface BusMiddleware {

    /**
     * Before the route sees the exchange, whose body is the consumed {@link io.eventbus.envelope.Envelope}. Throwing
     * fails the delivery as a failing route would: the route is not called, the delivery is rejected and
     * redelivered (and dead-lettered after {@code maxDeliveries}).
     */
    default void before(Exchange exchange) throws Exception {
    }

    /**
     * After the route finished and the delivery was settled; {@link Exchange#isFailed()} tells whether it failed.
     * Runs for every middleware whose {@link #before} ran, even when a later one threw. Must not throw: an
     * exception here is logged and ignored, the delivery being settled already.
     */
    default void after(Exchange exchange) {
    }
}
