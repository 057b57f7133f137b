package io.eventbus.bus;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.errorhandling.FailedAttemptHook;
import io.eventbus.tracing.TraceParent;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.DeliverAt;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportOption;
import io.eventbus.transport.TransportProducer;
import io.eventbus.transport.Unroutable;
import io.eventbus.wireformat.TopicFormat;

/**
 * Publishes the exchange's event to the topic; the exchange continues once the transport confirmed it. An
 * asynchronous Camel producer: with a transport whose client is asynchronous the calling thread is not held
 * while the broker confirms, so routes and callers keep many publishes in flight.
 * <p>
 * The body may be an {@link Envelope}, envelope JSON (String, bytes, stream; missing {@code event_id},
 * {@code schema_version} and {@code source} are filled in), or any other payload, which becomes the {@code data}
 * of a new event of the endpoint's {@code eventType} (else the {@code EventType} header). The bus sets
 * {@code published_at}; when the exchange came from a consumed event and publishes a different one, it stamps
 * {@code parent_event_id} and copies {@code trace_id} and {@code request_id}. An event without {@code trace_id}
 * starts a trace (the exchange's {@code traceparent}, when an OpenTelemetry span or a consumed message put one
 * there, else a new one); the message carries the W3C {@code traceparent} header of that trace, as a child of the
 * exchange's span when there is one. The event is validated like a consumed one, so an invalid event fails the
 * exchange with the reason instead of reaching the broker.
 * <p>
 * A delayed publish (the endpoint's {@code delay}, headers {@code EventbusDelay}, {@code EventbusDeliverAt}; see
 * {@link DeliveryDelay}) is validated and confirmed like any other; the message carries its due time
 * ({@link DeliverAt}) and the transport holds it until then.
 * <p>
 * With an {@code InOut} exchange ({@code exchangePattern=InOut}, {@code requestBody}) the event is a request:
 * its {@code correlation_id} defaults to its {@code event_id}, it goes out over the topic's transport as a
 * {@link RequestReplyTransport} request, and the reply envelope becomes the exchange's body; no reply within
 * {@code requestTimeout} fails the exchange with an {@link ExchangeTimedOutException}. Unlike a publish, a request
 * holds the calling thread until its reply comes or the timeout passes.
 * <p>
 * Used as a dead-letter channel ({@code bus:dlq}, or {@code bus:<topic>.dlq} on an exchange carrying a caught
 * exception) it writes a dead letter instead: the event as consumed plus the failure, via
 * {@link DeadLetterPublisher}.
 */
public class BusProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(BusProducer.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final BusEndpoint endpoint;
    private final String topic;
    private TransportProducer transport;
    private String transportName;
    /** How the topic's messages are written: its configured format, or CloudEvents when the endpoint asks. */
    private TopicFormat format;
    private boolean priorityHonoured;
    private volatile boolean priorityWarned;

    public BusProducer(BusEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.topic = endpoint.getTopic();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!DeadLetterTopics.OF_SOURCE.equals(topic)) {
            if (endpoint.getPriority() != null) {
                endpoint.refuseUnlessHonoured(TransportOption.PRIORITY);
            }
            transport = endpoint.getComponent().transportFor(topic).bindProducer(topic);
            transportName = endpoint.getComponent().transportNameFor(topic);
            priorityHonoured = endpoint.getComponent().transportFor(topic).honours(TransportOption.PRIORITY);
            format = endpoint.isCloudEvents() ? endpoint.getComponent().cloudEventsFormat()
                    : endpoint.getComponent().formatOf(topic);
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletableFuture<Void> published;
        try {
            published = send(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (published.isDone()) {
            settle(exchange, published);
            callback.done(true);
            return true;
        }
        published.whenComplete((ok, failure) -> {
            settle(exchange, published);
            callback.done(false);
        });
        return false;
    }

    /** Records how the publish ended on the exchange: the broker's refusal becomes the exchange's exception. */
    private static void settle(Exchange exchange, CompletableFuture<Void> published) {
        try {
            published.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            exchange.setException(cause);
        }
    }

    /** Does everything up to the broker's confirmation, which the returned future brings. */
    private CompletableFuture<Void> send(Exchange exchange) throws Exception {
        if (isDeadLetterWrite(exchange)) {
            writeDeadLetter(exchange);
            return DONE;
        }
        BusComponent component = endpoint.getComponent();
        // on a mapped topic a text body is a message in the topic's own format, written back as it is
        byte[] nativeBody = format.isMapped() ? OutgoingEnvelopes.jsonBytes(exchange) : null;
        Envelope envelope = nativeBody != null ? format.read(nativeBody) : envelopeOf(exchange);
        ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
        OutgoingEnvelopes.stampLineage(envelope, consumed);
        TraceParent current = TraceParent.parse(exchange.getIn().getHeader(TraceParent.HEADER, String.class));
        if (envelope.getTraceId() == null) {
            // every event the bus publishes belongs to a trace: the current span's, else a new one it starts
            envelope.setTraceId(current != null ? current.traceId() : TraceParent.newTraceId());
        }
        boolean request = exchange.getPattern().isOutCapable()
                || endpoint.getExchangePattern() == ExchangePattern.InOut;
        if (request && envelope.getCorrelationId() == null) {
            envelope.setCorrelationId(envelope.getEventId());
        }
        byte[] body = format.write(envelope, nativeBody != null ? nativeBody : originOf(consumed, envelope));
        OutboundMessage message = withDeliveryHints(OutboundMessages.of(envelope, body,
                TraceParent.forEvent(envelope.getTraceId(), current)), exchange.getIn());
        long deliverAt = DeliveryDelay.dueAt(exchange.getIn(), endpoint.getDelay(), System.currentTimeMillis());
        if (deliverAt > 0) {
            if (request) {
                throw new FatalException("cannot delay a request on bus:" + topic + ": request-reply waits for its "
                        + "reply, so delay, EventbusDelay and EventbusDeliverAt apply to publishes only");
            }
            message = message.withHeader(DeliverAt.HEADER, String.valueOf(deliverAt));
        }
        if (request) {
            request(exchange, envelope, message);
            return DONE;
        }
        // the headers name the published event as soon as it is sent; a failed publish fails the exchange anyway
        Message out = exchange.getMessage();
        out.setHeader(BusConstants.EVENT_ID, envelope.getEventId());
        out.setHeader(BusConstants.EVENT_TYPE, envelope.getEventType());
        if (!component.getPublisherSwitches().enabled(topic)) {
            component.getPublisherSwitches().skipped(topic, envelope.getEventId());
            return DONE;
        }
        return transport.publishAsync(message).whenComplete((confirmed, failure) -> {
            if (failure == null) {
                component.observer().published(topic, envelope.getEventType(), transportName);
            } else if (failure instanceof Unroutable || failure.getCause() instanceof Unroutable) {
                component.observer().unroutable(topic, envelope.getEventType(), "broker");
            }
        });
    }

    /**
     * Publishes the request and makes the reply the exchange's message: its envelope as the body, its
     * {@code event_type}, {@code event_id} and the request's {@code correlation_id} as headers.
     */
    private void request(Exchange exchange, Envelope request, OutboundMessage message) throws Exception {
        Transport target = endpoint.getComponent().transportFor(topic);
        if (!(target instanceof RequestReplyTransport requestReply)) {
            throw new FatalException("cannot send a request to bus:" + topic + ": transport " + target.name()
                    + " does not support request-reply");
        }
        byte[] replyBody;
        try {
            replyBody = requestReply.request(topic, message, endpoint.getRequestTimeout());
        } catch (TimeoutException e) {
            throw new ExchangeTimedOutException(exchange, endpoint.getRequestTimeout(), "no reply to "
                    + request.getEventType() + " request " + request.getEventId() + " (correlation_id "
                    + request.getCorrelationId() + ") on bus:" + topic + " within " + endpoint.getRequestTimeout()
                    + " ms (requestTimeout)");
        }
        Envelope reply = format.read(replyBody);
        Message out = exchange.getMessage();
        out.setBody(reply);
        out.setHeader(BusConstants.EVENT_ID, reply.getEventId());
        out.setHeader(BusConstants.EVENT_TYPE, reply.getEventType());
        out.setHeader(BusConstants.SCHEMA_VERSION, reply.getSchemaVersion());
        out.setHeader(BusConstants.CORRELATION_ID, request.getCorrelationId());
    }

    /**
     * Adds the priority, routing key and time-to-live a route asked for ({@code EventbusPriority} or the endpoint's
     * {@code priority}, {@code EventbusRoutingKey}, {@code EventbusTimeToLive}). A priority header on a transport
     * that does not honour priority is said once at WARN: the endpoint option is refused at start, but a header
     * only shows itself here.
     */
    private OutboundMessage withDeliveryHints(OutboundMessage message, Message in) {
        Integer priority = in.getHeader(BusConstants.PRIORITY, Integer.class);
        if (priority == null) {
            priority = endpoint.getPriority();
        } else if (!priorityHonoured && !priorityWarned) {
            priorityWarned = true;
            LOG.warn("The {} header on bus:{} is not applied: the {} transport does not honour priority",
                    BusConstants.PRIORITY, topic, transportName);
        }
        if (priority != null) {
            message = message.withHeader("priority", String.valueOf(priority));
        }
        String routingKey = in.getHeader(BusConstants.ROUTING_KEY, String.class);
        if (routingKey != null) {
            message = message.withHeader("routing_key", routingKey);
        }
        Long ttl = in.getHeader(BusConstants.TIME_TO_LIVE, Long.class);
        if (ttl != null) {
            message = message.withHeader("ttl_ms", String.valueOf(ttl));
        }
        return message;
    }

    private boolean isDeadLetterWrite(Exchange exchange) {
        return DeadLetterTopics.OF_SOURCE.equals(topic)
                || topic.endsWith(DeadLetterTopics.DEAD_LETTER_SUFFIX)
                        && exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT) != null;
    }

    private void writeDeadLetter(Exchange exchange) throws Exception {
        BusComponent component = endpoint.getComponent();
        DeadLetterPublisher publisher = component.getDeadLetterPublisher();
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
        String sourceTopic = consumed != null ? consumed.topic() : exchange.getFromRouteId();
        String target = !DeadLetterTopics.OF_SOURCE.equals(topic) ? topic
                : consumed != null ? DeadLetterTopics.deadLetterTopicOf(consumed.topic())
                : component.getDefaultDeadLetterTopic();
        // the dead-letter channel drops Camel's redelivery counter before this runs; FailedAttemptHook kept count
        int redeliveries = Math.max(0, exchange.getProperty(FailedAttemptHook.FAILED_ATTEMPTS, 0, Integer.class) - 1);
        try {
            Envelope original = consumed != null ? consumed.original(component.formatOf(consumed.topic()))
                    : envelopeOrNull(exchange);
            if (original != null) {
                publisher.deadLetter(original, consumed != null ? consumed.raw() : null, sourceTopic, target, cause,
                        failedStage(exchange), original.getRetryCount() + redeliveries);
            } else {
                byte[] raw = exchange.getIn().getBody(byte[].class);
                publisher.deadLetterRaw(raw == null ? new byte[0] : raw, sourceTopic, target, cause,
                        failedStage(exchange), Map.of());
            }
            exchange.setProperty(BusConstants.DEAD_LETTERED, true);
        } catch (Exception e) {
            exchange.setProperty(BusConstants.DEAD_LETTER_FAILED, e);
            throw e;
        }
    }

    /**
     * The message a re-published event was consumed as, when the topic writes the same wire format: a mapped format
     * then writes that message back with only the route's changes. Null for any other event.
     */
    private byte[] originOf(ConsumedEvent consumed, Envelope envelope) {
        return consumed != null && consumed.eventId().equals(envelope.getEventId())
                && endpoint.getComponent().formatOf(consumed.topic()) == format ? consumed.raw() : null;
    }

    /** The body as an envelope, or null when it is none (a route that did not start from {@code bus:}). */
    private Envelope envelopeOrNull(Exchange exchange) {
        try {
            return envelopeOf(exchange);
        } catch (InvalidEnvelopeException notAnEvent) {
            return null;
        }
    }

    /** The Camel {@code step} the failure happened in (a pipeline stage), else the route. */
    private static String failedStage(Exchange exchange) {
        String stage = exchange.getProperty(ExchangePropertyKey.STEP_ID, String.class);
        if (stage == null) {
            stage = exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        }
        return stage != null ? stage : exchange.getFromRouteId();
    }

    private Envelope envelopeOf(Exchange exchange) {
        String eventType = endpoint.getEventType() != null ? endpoint.getEventType()
                : exchange.getIn().getHeader(BusConstants.EVENT_TYPE, String.class);
        return OutgoingEnvelopes.of(exchange, endpoint.getComponent().getValidator().codec(), eventType,
                sourceName(), "bus:" + topic);
    }

    private String sourceName() {
        return endpoint.getSource() != null ? endpoint.getSource() : endpoint.getComponent().getSource();
    }
}
