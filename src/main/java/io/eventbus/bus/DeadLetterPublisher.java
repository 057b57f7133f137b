package io.eventbus.bus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.protection.DataProtection;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.TransportProducer;
import io.eventbus.wireformat.TopicFormat;
import io.eventbus.wireformat.TopicFormats;

/**
 * Writes dead letters: the original envelope, with {@code retry_count} and the failure in {@code metadata}
 * ({@code last_error}, {@code error_type}, {@code failed_stage}, {@code failed_at}, {@code dead_lettered_from}),
 * to {@code <topic>.dlq} on the topic's own transport; then a {@code processing_failed} event on
 * {@code processing.failed} for whoever watches failures (topic names: {@link DeadLetterTopics}).
 * <p>
 * An event that could not even be read (not JSON, missing fields, failing its schema) is stored as a valid
 * envelope of type {@value #INVALID_EVENT_TYPE} whose {@code data.original} holds the JSON as received (or
 * {@code data.raw}, the text, when it was not JSON), so every dead-letter topic can be browsed and replayed by the
 * same tools. An event that fails again after {@code maxReplays} replays is parked on {@code <topic>.parked}
 * instead (see the {@code deadletter} tools). Input larger than {@code keptBytes} (an event over the size limit)
 * keeps only its first {@code keptBytes} bytes as {@code data.raw_prefix}, with {@code data.raw_size} and
 * {@code data.raw_sha256}: a dead letter must itself stay under the size limit, or the dead-letter topic's own
 * consumers would reject it. Both writes are confirmed publishes: the caller acknowledges the source only after this
 * returns.
 * <p>
 * A dead-letter topic given a mapped wire format ({@link TopicFormats}: {@code eventbus.topics.<topic>.dlq.format})
 * gets the event in that format: the consumed message with only {@code retry_count} and
 * the failure metadata changed, as far as the mapping carries them; and input the mapping could not read is stored
 * as the very bytes that came.
 */
public final class DeadLetterPublisher {

    public static final String INVALID_EVENT_TYPE = "invalid_event";
    public static final String PROCESSING_FAILED_TYPE = "processing_failed";
    /** Metadata of a parked event: when it was parked. */
    public static final String PARKED_AT = "parked_at";
    /** Metadata field: how many times the event was replayed from its dead-letter topic already. */
    public static final String REPLAY_COUNT = "replay_count";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EnvelopeCodec codec;
    private final Function<String, TransportProducer> producers;
    private final String failedTopic;
    private final String source;
    private final Clock clock;
    private final int keptBytes;
    private final int maxReplays;
    private volatile Written written = (sourceTopic, eventType, stage) -> { };
    private volatile TopicFormats formats;

    /** Told of each dead letter once its write is confirmed: the bus counts them whichever path wrote them. */
    @FunctionalInterface
    public interface Written {
        void deadLettered(String sourceTopic, String eventType, String failedStage);
    }

    /** A publisher that never parks: every failure goes to the dead-letter topic. */
    public DeadLetterPublisher(EnvelopeCodec codec, Function<String, TransportProducer> producers, String failedTopic,
            String source, Clock clock, int keptBytes) {
        this(codec, producers, failedTopic, source, clock, keptBytes, 0);
    }

    /**
     * @param producers   the producer of a topic, on the transport configuration gives that topic
     * @param failedTopic where {@code processing_failed} events go; null or empty to publish none
     * @param source      the {@code source} of events the bus itself creates
     * @param keptBytes   the most bytes of an unreadable input a dead letter keeps
     * @param maxReplays  replays an event may have before a new failure parks it on {@code <topic>.parked} instead
     *                    of dead-lettering it ({@code eventbus.deadletter.max-replays}); 0 never parks
     */
    public DeadLetterPublisher(EnvelopeCodec codec, Function<String, TransportProducer> producers, String failedTopic,
            String source, Clock clock, int keptBytes, int maxReplays) {
        this.maxReplays = maxReplays;
        this.keptBytes = keptBytes;
        this.codec = codec;
        this.producers = producers;
        this.failedTopic = failedTopic == null || failedTopic.isBlank() ? null : failedTopic;
        this.source = source;
        this.clock = clock;
    }

    /** The wire formats of the topics written to; without them every dead letter is an envelope. */
    public void writeWith(TopicFormats formats) {
        this.formats = formats;
    }

    /** Who is told of each dead letter written; replaces the previous one. */
    public void onWritten(Written listener) {
        this.written = listener;
    }

    /** The {@code replay_count} metadata value as a number: 0 when absent or unreadable. */
    public static int replayCount(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * Where a failure goes: the target, unless the event has used up its replays ({@code metadata.replay_count}
     * of the event, or of the input an invalid event wraps) and the target is its source's dead-letter topic;
     * then {@code <source>.parked}, so that a replayed event failing again cannot cycle without bound.
     */
    private String destination(String sourceTopic, String targetTopic, Object replayCount,
            Map<String, Object> failure) {
        if (maxReplays > 0 && replayCount(replayCount) >= maxReplays
                && targetTopic.equals(DeadLetterTopics.deadLetterTopicOf(sourceTopic))) {
            failure.put(PARKED_AT, failure.get("failed_at"));
            return DeadLetterTopics.parkedTopicOf(sourceTopic);
        }
        return targetTopic;
    }

    /**
     * Dead-letters an event that failed processing.
     *
     * @param original    the envelope as it was consumed (not modified)
     * @param sourceTopic the topic it was consumed from
     * @param targetTopic the dead-letter topic, normally {@code <sourceTopic>.dlq}
     * @param failedStage the stage or route that failed
     * @param retryCount  attempts that failed before this one gave up
     * @return the dead letter as written
     */
    public Envelope deadLetter(Envelope original, String sourceTopic, String targetTopic, Throwable cause,
            String failedStage, int retryCount) throws Exception {
        return deadLetter(original, null, sourceTopic, targetTopic, cause, failedStage, retryCount);
    }

    /**
     * Dead-letters an event that failed processing, knowing the message it was consumed as.
     *
     * @param consumed the message as consumed from {@code sourceTopic}, or null: a dead-letter topic of the same
     *                 mapped wire format gets that message with only the dead letter's changes
     */
    public Envelope deadLetter(Envelope original, byte[] consumed, String sourceTopic, String targetTopic,
            Throwable cause, String failedStage, int retryCount) throws Exception {
        Envelope deadLetter = original.copy();
        deadLetter.setRetryCount(retryCount);
        Map<String, Object> failure = failure(cause, failedStage, sourceTopic);
        String destination = destination(sourceTopic, targetTopic,
                original.getMetadata().get(REPLAY_COUNT), failure);
        deadLetter.getMetadata().putAll(failure);
        publish(destination, deadLetter, formatOf(sourceTopic) == formatOf(destination) ? consumed : null);
        written.deadLettered(sourceTopic, original.getEventType(), failedStage);
        publishProcessingFailed(original, cause, failedStage, destination);
        return deadLetter;
    }

    /** Dead-letters bytes that are not a valid event, with the validation failure as the reason. */
    public Envelope deadLetterInvalid(byte[] raw, String sourceTopic, InvalidEnvelopeException cause) throws Exception {
        return deadLetterInvalid(raw, sourceTopic, cause, Map.of());
    }

    /**
     * Dead-letters bytes that are not a valid event, adding {@code origin} (where the bytes came from, e.g. the
     * file and line of a feed) to the failure metadata.
     */
    public Envelope deadLetterInvalid(byte[] raw, String sourceTopic, InvalidEnvelopeException cause,
            Map<String, Object> origin) throws Exception {
        return deadLetterRaw(raw, sourceTopic, DeadLetterTopics.deadLetterTopicOf(sourceTopic), cause, "validation",
                origin);
    }

    /**
     * Dead-letters bytes that are not an envelope — an invalid event, or the body of a failed exchange that never
     * was one — wrapped in a {@value #INVALID_EVENT_TYPE} envelope; an {@link InvalidEnvelopeException} cause adds
     * the offending fields as {@code metadata.invalid_fields}.
     */
    public Envelope deadLetterRaw(byte[] raw, String sourceTopic, String targetTopic, Throwable cause,
            String failedStage, Map<String, Object> origin) throws Exception {
        ObjectNode data = MAPPER.createObjectNode();
        JsonNode parsed = raw.length > keptBytes ? null : parseQuietly(raw);
        if (raw.length > keptBytes) {
            data.put("raw_prefix", new String(raw, 0, keptBytes, StandardCharsets.UTF_8));
            data.put("raw_size", raw.length);
            data.put("raw_sha256", sha256(raw));
        } else if (parsed != null) {
            data.set("original", parsed);
        } else {
            data.put("raw", new String(raw, StandardCharsets.UTF_8));
        }
        Envelope deadLetter = Envelope.create(INVALID_EVENT_TYPE, source, data);
        JsonNode originalId = parsed == null ? null : parsed.get("event_id");
        if (originalId != null && originalId.isTextual() && !originalId.asText().isBlank()) {
            deadLetter.setEventId(originalId.asText());
        }
        deadLetter.setPublishedAt(now());
        Map<String, Object> failure = failure(cause, failedStage, sourceTopic);
        if (cause instanceof InvalidEnvelopeException invalid) {
            List<String> fields = new ArrayList<>();
            invalid.getViolations().forEach(v -> fields.add(v.field()));
            failure.put("invalid_fields", fields);
        }
        failure.putAll(origin);
        JsonNode replays = parsed == null ? null : parsed.path("metadata").get(REPLAY_COUNT);
        String destination = destination(sourceTopic, targetTopic,
                replays == null ? null : replays.isNumber() ? replays.numberValue() : replays.asText(), failure);
        deadLetter.getMetadata().putAll(failure);
        TopicFormat format = formatOf(destination);
        if (format != null && format.isMapped() && raw.length <= keptBytes) {
            // a system reading its own format gets what it sent, byte for byte; the reason is in processing_failed
            producers.apply(destination).publish(OutboundMessages.of(deadLetter, raw));
        } else {
            publish(destination, deadLetter);
        }
        written.deadLettered(sourceTopic, INVALID_EVENT_TYPE, failedStage);
        publishProcessingFailed(deadLetter, cause, failedStage, destination);
        return deadLetter;
    }

    private Map<String, Object> failure(Throwable cause, String failedStage, String sourceTopic) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("last_error", describe(cause));
        failure.put("error_type", cause == null ? "Unknown" : cause.getClass().getSimpleName());
        failure.put("failed_stage", failedStage);
        failure.put("failed_at", now());
        failure.put("dead_lettered_from", sourceTopic);
        return failure;
    }

    private void publishProcessingFailed(Envelope original, Throwable cause, String failedStage, String deadLetterTopic)
            throws Exception {
        if (failedTopic == null || deadLetterTopic.equals(DeadLetterTopics.deadLetterTopicOf(failedTopic))) {
            // a failure while handling processing.failed itself must not feed back into it
            return;
        }
        ObjectNode data = MAPPER.createObjectNode();
        data.put("error_type", cause == null ? "Unknown" : cause.getClass().getSimpleName());
        data.put("error_message", describe(cause));
        data.put("failed_stage", failedStage);
        data.set("original_event", codec.toJson(encryptedAsOn(DeadLetterTopics.sourceTopicOf(deadLetterTopic),
                original)));
        data.put("is_recoverable", !(cause instanceof FatalException));
        data.put("dead_lettered_to", deadLetterTopic);
        Envelope failed = original.derive(PROCESSING_FAILED_TYPE, data);
        failed.setSource(source);
        failed.setPublishedAt(now());
        publish(failedTopic, failed);
    }

    private void publish(String topic, Envelope envelope) throws Exception {
        publish(topic, envelope, null);
    }

    private void publish(String topic, Envelope envelope, byte[] origin) throws Exception {
        TopicFormat format = formatOf(topic);
        byte[] body = format != null && format.isMapped() ? format.encode(envelope, origin)
                : codec.encode(sealedAsOn(topic, envelope));
        producers.apply(topic).publish(OutboundMessages.of(envelope, body));
    }

    /**
     * The event with {@code data} sealed as the topic seals it (a dead-letter topic as its source topic, unless
     * configured otherwise), so that an encrypted topic's failures are never written in the clear.
     */
    private Envelope sealedAsOn(String topic, Envelope envelope) {
        TopicFormats known = formats;
        return known == null ? envelope : known.protectionOf(topic).seal(envelope);
    }

    /**
     * The copy of the event a {@code processing_failed} event carries: sealed as on its source topic when that
     * topic encrypts, whatever the failed topic does, so that no plain copy of an encrypted event is written.
     */
    private Envelope encryptedAsOn(String sourceTopic, Envelope envelope) {
        TopicFormats known = formats;
        if (known == null) {
            return envelope;
        }
        DataProtection protection = known.protectionOf(sourceTopic);
        return protection.encrypts() ? protection.seal(envelope) : envelope;
    }

    private TopicFormat formatOf(String topic) {
        TopicFormats known = formats;
        return known == null ? null : known.forTopic(topic);
    }

    private String now() {
        return DateTimeFormatter.ISO_INSTANT.format(clock.instant());
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown failure";
        }
        return cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The bytes as JSON, read as the codec reads events so that the original is kept exactly; null if not JSON. */
    private JsonNode parseQuietly(byte[] raw) {
        try {
            return codec.readJson(raw);
        } catch (Exception notJson) {
            return null;
        }
    }
}
