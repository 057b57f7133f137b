package io.eventbus.bus;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.tracing.EventMdc;
import io.eventbus.tracing.TraceParent;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.Delivery;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportOption;
import io.eventbus.wireformat.TopicFormat;

/**
 * Consumes a topic as one member of a consumer group. Each delivery is decoded and validated before the route
 * sees it: an invalid event goes straight to {@code <topic>.dlq} with the reason and is acknowledged, without the
 * route being called. A valid one becomes an exchange whose body is the {@link Envelope}; the delivery is
 * acknowledged when the exchange completes (processed, or dead-lettered by the route's error handler) and
 * rejected for redelivery when it fails. A delivery that is a request ({@link RequestReplyTransport#REPLY_TO})
 * is processed the same way, and the route's result is sent back as the reply before the request is acknowledged.
 */
public class BusConsumer extends DefaultConsumer implements Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(BusConsumer.class);
    private static final AtomicInteger MEMBERS = new AtomicInteger();

    private final BusEndpoint endpoint;
    private final String topic;
    private String group;
    private TransportConsumer transportConsumer;
    private ConsumerTags meterTags;
    private BusMiddlewares middlewares;
    private TopicFormat format;
    private volatile String lastError;

    public BusConsumer(BusEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.topic = endpoint.getTopic();
    }

    @Override
    public BusEndpoint getEndpoint() {
        return endpoint;
    }

    /** Why the last failed exchange failed, for its readiness check; null when none has failed. */
    String getLastError() {
        return lastError;
    }

    /** The consumer group this member belongs to, known once started. */
    public String getGroup() {
        return group;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        group = endpoint.getGroup() != null ? endpoint.getGroup() : getRouteId();
        if (endpoint.getBindingKey() != null) {
            endpoint.refuseUnlessHonoured(TransportOption.BINDING_KEY);
        }
        subscribe();
    }

    /**
     * Graceful shutdown suspends a {@link Suspendable} consumer instead of stopping it, and stops the route only once
     * its in-flight exchanges completed. Stopping this consumer at once would stop the route's processors (error
     * handler included) under those exchanges, failing them after their work was done, so nothing could be
     * acknowledged. Suspended, it only stops taking deliveries.
     */
    @Override
    protected void doSuspend() throws Exception {
        unsubscribe();
    }

    @Override
    protected void doResume() throws Exception {
        subscribe();
    }

    private void subscribe() {
        ConsumerBinding binding = new ConsumerBinding(group, memberName(), endpoint.getConcurrency(),
                endpoint.getRedeliveryDelay(), endpoint.getStartFrom(), endpoint.getBindingKeys());
        Transport transport = endpoint.getComponent().transportFor(topic);
        meterTags = new ConsumerTags(topic, group, getRouteId(), transport.name());
        middlewares = BusMiddlewares.resolve(endpoint.getCamelContext(), endpoint.getComponent());
        format = endpoint.getComponent().formatOf(topic);
        transportConsumer = transport.bindConsumer(topic, binding, new DeliveryHandler() {
            @Override
            public void onDelivery(Delivery delivery) {
                BusConsumer.this.onDelivery(delivery);
            }

            @Override
            public void onSkipped(long count) {
                endpoint.getComponent().observer().skipped(topic, group, transport.name(), count);
            }
        });
        transportConsumer.start();
        // Camel's consumer readiness check of this route (consumer:<route id>) merges this one's result
        BusConsumerHealthCheck check = new BusConsumerHealthCheck(this, transport, transportConsumer);
        check.setEnabled(endpoint.getComponent().isHealthCheckConsumerEnabled());
        setHealthCheck(check);
    }

    @Override
    protected void doStop() throws Exception {
        unsubscribe();
        super.doStop();
    }

    private void unsubscribe() {
        setHealthCheck(null);
        if (transportConsumer != null) {
            transportConsumer.stop();
            transportConsumer = null;
        }
    }

    private void onDelivery(Delivery delivery) {
        long consumedNanos = System.nanoTime();
        BusComponent component = endpoint.getComponent();
        Envelope envelope;
        try {
            envelope = format.read(delivery.body());
        } catch (InvalidEnvelopeException invalid) {
            LOG.warn("Invalid event {} on topic {}: {}; dead-lettering it to {}", delivery.id(), topic,
                    invalid.getMessage(), DeadLetterTopics.deadLetterTopicOf(topic));
            settleAfter(delivery, DeadLetterPublisher.INVALID_EVENT_TYPE, consumedNanos, () -> component
                    .getDeadLetterPublisher().deadLetterInvalid(delivery.body(), topic, invalid));
            return;
        }
        envelope.setRetryCount(envelope.getRetryCount() + delivery.deliveryCount() - 1);
        component.observer().consumed(meterTags, envelope.getEventType(), delivery.deliveryCount());
        int maxDeliveries = endpoint.getMaxDeliveries();
        if (maxDeliveries > 0 && delivery.deliveryCount() > maxDeliveries) {
            DeliveryLimitExceededException cause = new DeliveryLimitExceededException("delivered "
                    + delivery.deliveryCount() + " times to group '" + group + "', more than maxDeliveries="
                    + maxDeliveries + ", every attempt failing");
            LOG.warn("Event {} on topic {}: {}; dead-lettering it", envelope.getEventId(), topic, cause.getMessage());
            settleAfter(delivery, envelope.getEventType(), consumedNanos, () -> component.getDeadLetterPublisher()
                    .deadLetter(envelope, delivery.body(), topic, DeadLetterTopics.deadLetterTopicOf(topic), cause,
                            "delivery", envelope.getRetryCount()));
            return;
        }
        process(delivery, envelope, consumedNanos);
    }

    private void process(Delivery delivery, Envelope envelope, long consumedNanos) {
        String traceparent = delivery.header(TraceParent.HEADER);
        if (envelope.getTraceId() == null && traceparent != null) {
            // an event from an instrumented peer that did not fill trace_id: its derived events join that trace
            TraceParent parent = TraceParent.parse(traceparent);
            envelope.setTraceId(parent == null ? null : parent.traceId());
        }
        Exchange exchange = createExchange(false);
        Message in = exchange.getIn();
        in.setBody(envelope);
        in.setHeader(BusConstants.EVENT_TYPE, envelope.getEventType());
        in.setHeader(BusConstants.EVENT_ID, envelope.getEventId());
        in.setHeader(BusConstants.SCHEMA_VERSION, envelope.getSchemaVersion());
        if (envelope.getTraceId() != null) {
            in.setHeader(BusConstants.TRACE_ID, envelope.getTraceId());
        }
        in.setHeader(BusConstants.TOPIC, topic);
        in.setHeader(BusConstants.GROUP, group);
        in.setHeader(BusConstants.DELIVERY_COUNT, delivery.deliveryCount());
        if (traceparent != null) {
            // camel-opentelemetry continues the trace from it; a bus: producer makes what it sends its child
            in.setHeader(TraceParent.HEADER, traceparent);
        }
        ConsumedEvent consumed = ConsumedEvent.of(topic, envelope, delivery.body());
        exchange.setProperty(BusConstants.CONSUMED_EVENT, consumed);
        exchange.setProperty(ConsumerTags.PROPERTY, meterTags);
        String replyTo = delivery.header(RequestReplyTransport.REPLY_TO);
        Runnable beforeAck = replyTo == null ? () -> { } : () -> reply(delivery, envelope, exchange);
        exchange.getExchangeExtension().addOnCompletion(new ExchangeSettlement(delivery, beforeAck,
                endpoint.getComponent().observer(), meterTags, consumed, consumedNanos));
        try (EventMdc mdc = EventMdc.open(envelope.getEventId(), envelope.getEventType(), envelope.getTraceId())) {
            middlewares.process(exchange, getAsyncProcessor(), doneSync -> {
                if (exchange.getException() != null) {
                    lastError = exchange.getException().getClass().getSimpleName() + ": "
                            + exchange.getException().getMessage();
                    getExceptionHandler().handleException("Processing event " + envelope.getEventId()
                            + " from topic " + topic + " failed; it will be redelivered", exchange,
                            exchange.getException());
                }
                releaseExchange(exchange, false);
            });
        }
    }

    /**
     * Sends the route's result back to the requester: the body as the reply envelope (a plain body becomes the
     * {@code data} of a {@code <request type>_reply} event unless the route set another {@code EventType}), with
     * the request's {@code correlation_id}. A dead-lettered request gets no reply: its requester times out. A reply
     * that cannot be sent is logged and the request still acknowledged: replies are not persisted, and the work
     * is done.
     */
    private void reply(Delivery delivery, Envelope request, Exchange exchange) {
        if (exchange.getProperty(BusConstants.DEAD_LETTERED) != null) {
            return;
        }
        BusComponent component = endpoint.getComponent();
        Transport transport = component.transportFor(topic);
        try {
            if (!(transport instanceof RequestReplyTransport requestReply)) {
                throw new IllegalStateException("transport " + transport.name() + " does not support request-reply");
            }
            String type = exchange.getMessage().getHeader(BusConstants.EVENT_TYPE, String.class);
            if (type == null || type.equals(request.getEventType())) {
                type = request.getEventType() + "_reply";
            }
            Envelope reply = OutgoingEnvelopes.of(exchange, component.getValidator().codec(), type,
                    component.getSource(), "the reply to " + request.getEventId());
            if (reply.getEventId().equals(request.getEventId())) {
                // the route answered with the request itself: the reply is a new event about it
                reply = reply.copy().setEventId(UUID.randomUUID().toString());
            }
            reply.setCorrelationId(request.getCorrelationId() != null ? request.getCorrelationId()
                    : request.getEventId());
            OutgoingEnvelopes.stampLineage(reply, exchange.getProperty(BusConstants.CONSUMED_EVENT,
                    ConsumedEvent.class));
            requestReply.reply(delivery.headers(), OutboundMessages.of(reply, format.write(reply, null)));
        } catch (Exception e) {
            LOG.warn("Cannot reply to request {} from topic {}: {}", request.getEventId(), topic, e.getMessage(), e);
        }
    }

    /**
     * Acknowledges after the dead-letter write is confirmed; rejects (redelivers) when it failed. Tells the observer
     * either way: no route ran, so there is nothing more to tell than the outcome.
     */
    private void settleAfter(Delivery delivery, String eventType, long consumedNanos, DeadLetterWrite write) {
        Settlement.Outcome outcome;
        try {
            write.run();
            delivery.ack();
            outcome = Settlement.Outcome.DEAD_LETTERED;
        } catch (Exception e) {
            LOG.error("Dead-lettering {} from topic {} failed; it will be redelivered: {}", delivery.id(), topic,
                    e.getMessage(), e);
            delivery.reject();
            outcome = Settlement.Outcome.FAILED;
        }
        endpoint.getComponent().observer().settled(meterTags, eventType,
                new Settlement(outcome, 0, false, null, Duration.ofNanos(System.nanoTime() - consumedNanos)));
    }

    private String memberName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "-" + ProcessHandle.current().pid() + "-" + MEMBERS.incrementAndGet();
    }

    @FunctionalInterface
    private interface DeadLetterWrite {
        void run() throws Exception;
    }
}
