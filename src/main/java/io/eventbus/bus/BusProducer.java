package io.eventbus.bus;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

import io.eventbus.deadletter.DeadLetterPublisher;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.pipeline.FailedAttemptHook;
import io.eventbus.pipeline.FatalException;

/**
 * Publishes the exchange's event to the topic and returns once the transport confirmed it.
 * <p>
 * The body may be an {@link Envelope}, envelope JSON (String, bytes, stream; missing {@code event_id},
 * {@code schema_version} and {@code source} are filled in), or any other payload, which becomes the {@code data}
 * of a new event of the endpoint's {@code eventType} (else the {@code EventType} header). The bus sets
 * {@code published_at}; when the exchange came from a consumed event and publishes a different one, it stamps
 * {@code parent_event_id} and copies {@code trace_id} and {@code request_id}. The event is validated like a
 * consumed one, so an invalid event fails the exchange with the reason instead of reaching the broker.
 * <p>
 * Used as a dead-letter channel ({@code bus:dlq}, or {@code bus:<topic>.dlq} on an exchange carrying a caught
 * exception) it writes a dead letter instead: the event as consumed plus the failure, via
 * {@link DeadLetterPublisher}.
 */
public class BusProducer extends DefaultProducer {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BusEndpoint endpoint;
    private final String topic;
    private TransportProducer transport;

    public BusProducer(BusEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
        this.topic = endpoint.getTopic();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (!BusEndpoint.SOURCE_DEAD_LETTER_TOPIC.equals(topic)) {
            transport = endpoint.getComponent().transportFor(topic).bindProducer(topic);
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (isDeadLetterWrite(exchange)) {
            writeDeadLetter(exchange);
            return;
        }
        BusComponent component = endpoint.getComponent();
        Envelope envelope = envelopeOf(exchange);
        ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
        if (consumed != null && !consumed.eventId().equals(envelope.getEventId())) {
            if (envelope.getParentEventId() == null) {
                envelope.setParentEventId(consumed.eventId());
            }
            if (envelope.getTraceId() == null) {
                envelope.setTraceId(consumed.traceId());
            }
            if (envelope.getRequestId() == null) {
                envelope.setRequestId(consumed.requestId());
            }
        }
        envelope.setPublishedAt(DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
        byte[] body = component.getValidator().write(envelope);
        if (endpoint.isCloudEvents()) {
            body = component.getValidator().codec().encodeCloudEvent(envelope);
        }
        if (component.getPublisherSwitches().enabled(topic)) {
            transport.publish(OutboundMessage.of(envelope, body));
        } else {
            component.getPublisherSwitches().skipped(topic, envelope.getEventId());
        }
        Message out = exchange.getMessage();
        out.setHeader(BusConstants.EVENT_ID, envelope.getEventId());
        out.setHeader(BusConstants.EVENT_TYPE, envelope.getEventType());
    }

    private boolean isDeadLetterWrite(Exchange exchange) {
        return BusEndpoint.SOURCE_DEAD_LETTER_TOPIC.equals(topic)
                || topic.endsWith(DeadLetterPublisher.DEAD_LETTER_SUFFIX)
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
        String target = !BusEndpoint.SOURCE_DEAD_LETTER_TOPIC.equals(topic) ? topic
                : consumed != null ? DeadLetterPublisher.deadLetterTopicOf(consumed.topic())
                : component.getDefaultDeadLetterTopic();
        // the dead-letter channel drops Camel's redelivery counter before this runs; FailedAttemptHook kept count
        int redeliveries = Math.max(0, exchange.getProperty(FailedAttemptHook.FAILED_ATTEMPTS, 0, Integer.class) - 1);
        try {
            Envelope original = consumed != null ? consumed.original(component.getValidator().codec())
                    : envelopeOrNull(exchange);
            if (original != null) {
                publisher.deadLetter(original, sourceTopic, target, cause, failedStage(exchange),
                        original.getRetryCount() + redeliveries);
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
        Object body = exchange.getIn().getBody();
        if (body instanceof Envelope envelope) {
            return envelope;
        }
        EnvelopeCodec codec = endpoint.getComponent().getValidator().codec();
        if (body instanceof byte[] || body instanceof String || body instanceof InputStream) {
            // JSON is UTF-8 whatever the JVM's default charset (a POSIX locale makes it ASCII on Java 17)
            byte[] bytes = body instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                    : exchange.getIn().getBody(byte[].class);
            ObjectNode json = codec.parseObject(bytes);
            if (json.has("event_type")) {
                fillDefaults(json);
                return codec.fromJson(json);
            }
            return newEvent(exchange, json);
        }
        if (body == null) {
            throw new FatalException("cannot publish to bus:" + topic + ": the body is null");
        }
        return newEvent(exchange, MAPPER.valueToTree(body));
    }

    private Envelope newEvent(Exchange exchange, JsonNode data) {
        String eventType = endpoint.getEventType() != null ? endpoint.getEventType()
                : exchange.getIn().getHeader(BusConstants.EVENT_TYPE, String.class);
        if (eventType == null || eventType.isBlank()) {
            throw new InvalidEnvelopeException("event_type", "cannot publish to bus:" + topic
                    + ": the body is not an envelope and no event type is given (set the endpoint's eventType option "
                    + "or the EventType header)");
        }
        return Envelope.create(eventType, sourceName(), data);
    }

    private void fillDefaults(ObjectNode json) {
        if (!json.hasNonNull("event_id")) {
            json.put("event_id", UUID.randomUUID().toString());
        }
        if (!json.hasNonNull("schema_version")) {
            json.put("schema_version", Envelope.DEFAULT_SCHEMA_VERSION);
        }
        if (!json.hasNonNull("source")) {
            json.put("source", sourceName());
        }
        if (!json.hasNonNull("published_at")) {
            json.put("published_at", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
        }
    }

    private String sourceName() {
        return endpoint.getSource() != null ? endpoint.getSource() : endpoint.getComponent().getSource();
    }
}
