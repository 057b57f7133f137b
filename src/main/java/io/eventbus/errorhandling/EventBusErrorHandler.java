package io.eventbus.errorhandling;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.DeadLetterChannelBuilder;

import io.eventbus.transport.DeadLetterTopics;

/**
 * The bus's default error handler, a plain Camel dead-letter channel: transient failures are redelivered in
 * process — 3 times, 200 ms growing ×2 per attempt with ±15 % jitter, never more than 10 s apart — then, and
 * permanent failures at once ({@link FailedAttemptHook}), the event is written to the
 * dead-letter topic of the topic it came from ({@code bus:dlq} → {@code <topic>.dlq}) with the failure in its
 * metadata, and a {@code processing_failed} event is published. A failure of the dead-letter write itself is not
 * swallowed: the exchange fails and the transport redelivers the event, so nothing is acknowledged unwritten.
 * Every option can be changed on the returned builder like on any dead-letter channel:
 * <pre>{@code
 * errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(5));
 * }</pre>
 * In YAML the same handler is
 * <pre>{@code
 * errorHandler:
 *   deadLetterChannel:
 *     deadLetterUri: bus:dlq
 *     deadLetterHandleNewException: false
 *     onExceptionOccurredRef: busFailedAttemptHook
 *     redeliveryPolicy: {maximumRedeliveries: 3, redeliveryDelay: 200, useExponentialBackOff: true,
 *                        backOffMultiplier: 2, useCollisionAvoidance: true, maximumRedeliveryDelay: 10000}
 * }</pre>
 * The {@code busFailedAttemptHook} bean is bound by the {@code bus} component.
 */
public final class EventBusErrorHandler {

    /** The dead-letter URI that resolves to the failed event's own {@code <topic>.dlq}. */
    public static final String DEAD_LETTER_URI = "bus:" + DeadLetterTopics.OF_SOURCE;

    private EventBusErrorHandler() {
    }

    public static DeadLetterChannelBuilder deadLetterChannel() {
        return deadLetterChannel(DEAD_LETTER_URI);
    }

    /** The same handler writing to a fixed dead-letter endpoint, e.g. {@code bus:listings.raw.dlq}. */
    public static DeadLetterChannelBuilder deadLetterChannel(String deadLetterUri) {
        DeadLetterChannelBuilder builder = new DeadLetterChannelBuilder(deadLetterUri);
        builder.setDeadLetterHandleNewException("false");
        builder.onExceptionOccurred(new FailedAttemptHook());
        builder.maximumRedeliveries(3).redeliveryDelay(200).useExponentialBackOff().backOffMultiplier(2)
                .useCollisionAvoidance().maximumRedeliveryDelay(10_000)
                .retryAttemptedLogLevel(LoggingLevel.WARN);
        return builder;
    }
}
