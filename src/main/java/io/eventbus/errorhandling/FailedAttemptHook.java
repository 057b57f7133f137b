package io.eventbus.errorhandling;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;

/**
 * The bus's {@code onExceptionOccurred} hook for an error handler, run by Camel after every failed attempt:
 * <ul>
 * <li>it counts the failed attempts in the exchange property {@value #FAILED_ATTEMPTS}, because the dead-letter
 * channel removes Camel's redelivery counter before the dead letter is written, and the dead letter's
 * {@code retry_count} needs it;</li>
 * <li>it marks redelivery as exhausted when the failure is permanent ({@link FailureClassifier}), so the dead-letter
 * channel takes the event at once while transient failures keep the route's redelivery policy. Camel checks the
 * exhausted flag right after this hook and before the policy, so the policy's options stay as the route sets
 * them.</li>
 * </ul>
 * Its count also tells, once the exchange is done, how many times the error handler redelivered it
 * ({@link #redeliveriesOf}).
 */
public final class FailedAttemptHook implements Processor {

    /** The name the {@code bus} component binds an instance under, for {@code onExceptionOccurredRef} in YAML. */
    public static final String BEAN_NAME = "busFailedAttemptHook";
    /** Exchange property: how many attempts of this exchange have failed so far. */
    public static final String FAILED_ATTEMPTS = "EventbusFailedAttempts";

    /**
     * How many times the error handlers redelivered a done exchange in process: as many as Camel announced
     * ({@code ExchangeRedeliveryEvent}, one before each redelivery). Every failed attempt was followed by a
     * redelivery, except the last one when the error handler gave the failure to its failure processor (a dead letter,
     * an {@code onException}, or the exchange failing), which Camel marks on the exchange as failure handled. An
     * {@code onException} that continues routing clears that mark, so an exchange that failed there counts one more.
     * <p>
     * An error handler without this hook leaves no count; then Camel's own redelivery counter header tells, which
     * Camel removes once a failure is handled: the redeliveries of a dead-lettered event are counted only with the
     * hook, as the bus's error handler and the documented YAML have it.
     */
    public static int redeliveriesOf(Exchange exchange) {
        Integer failedAttempts = exchange.getProperty(FAILED_ATTEMPTS, Integer.class);
        if (failedAttempts == null) {
            return exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        }
        boolean lastWasHandled = exchange.getExchangeExtension().isFailureHandled();
        return Math.max(0, failedAttempts - (lastWasHandled ? 1 : 0));
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(FAILED_ATTEMPTS, exchange.getProperty(FAILED_ATTEMPTS, 0, Integer.class) + 1);
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        }
        if (failure != null && !FailureClassifier.isTransient(failure)) {
            exchange.getExchangeExtension().setRedeliveryExhausted(true);
        }
    }
}
