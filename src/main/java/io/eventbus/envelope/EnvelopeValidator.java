package io.eventbus.envelope;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.envelope.InvalidEnvelopeException.Violation;

/**
 * The bus's rules for an event, applied when it is consumed and before it is published: the size limit, the
 * envelope's structure ({@link EnvelopeCodec}), the JSON Schema of ({@code event_type}, major) and the
 * major-version policy. Thread-safe.
 */
public final class EnvelopeValidator {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeValidator.class);

    private final EnvelopeCodec codec;
    /** Replaced whole when the schemas' folder is reloaded: an event is checked against one set or the next. */
    private volatile SchemaRegistry registry;
    private final ValidationSettings settings;
    private final Set<String> warnedVersions = ConcurrentHashMap.newKeySet();

    public EnvelopeValidator(EnvelopeCodec codec, SchemaRegistry registry, ValidationSettings settings) {
        this.codec = codec;
        this.registry = registry;
        this.settings = settings;
    }

    /** The schemas events are checked against from now on (hot reload of the schemas' folder). */
    public void useSchemas(SchemaRegistry schemas) {
        this.registry = schemas;
    }

    /** Decodes and validates wire bytes; throws with every violation found. */
    public Envelope read(byte[] bytes) throws InvalidEnvelopeException {
        checkSize(bytes);
        Envelope envelope = codec.decode(bytes);
        validate(envelope);
        return envelope;
    }

    /** Validates and encodes an envelope for the wire; throws with every violation found. */
    public byte[] write(Envelope envelope) throws InvalidEnvelopeException {
        codec.check(envelope);
        validate(envelope);
        byte[] bytes = codec.encode(envelope);
        checkSize(bytes);
        return bytes;
    }

    /** Checks {@code data} against its schema and the event's major version against the registered ones. */
    public void validate(Envelope envelope) throws InvalidEnvelopeException {
        String type = envelope.getEventType();
        if (type == null) {
            throw new InvalidEnvelopeException("event_type", "required field is missing");
        }
        int major = envelope.schemaMajor();
        SchemaRegistry registry = this.registry; // one set of schemas for the whole check, though a reload swaps it
        if (!registry.isRegistered(type)) {
            if (settings.requireRegistered()) {
                throw new InvalidEnvelopeException("event_type", "no JSON Schema is registered for \"" + type
                        + "\" and eventbus.schema.require-registered is true");
            }
            return;
        }
        Optional<JsonSchema> schema = registry.schemaFor(type, major);
        if (schema.isEmpty()) {
            Set<Integer> majors = registry.majorsOf(type);
            String reason = "major version " + major + " of \"" + type + "\" is not supported (registered majors: "
                    + majors + ")";
            if (settings.majorVersionPolicy() == MajorVersionPolicy.REJECT) {
                throw new InvalidEnvelopeException("schema_version", reason);
            }
            if (warnedVersions.add(type + "/" + major)) {
                LOG.warn("schema_version {} of event {}: {}; delivering it with data unchecked "
                        + "(eventbus.schema.major-version-policy=warn)", envelope.getSchemaVersion(),
                        envelope.getEventId(), reason);
            }
            return;
        }
        Set<ValidationMessage> errors = schema.get().validate(envelope.getData());
        if (!errors.isEmpty()) {
            List<Violation> violations = new ArrayList<>();
            errors.stream()
                    .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                            .thenComparing(ValidationMessage::getMessage))
                    .forEach(m -> violations.add(schemaViolation(m, type, major)));
            throw new InvalidEnvelopeException(violations);
        }
    }

    /** The most bytes an event may have ({@code eventbus.envelope.max-bytes}). */
    public int maxBytes() {
        return settings.maxBytes();
    }

    public EnvelopeCodec codec() {
        return codec;
    }

    /** Throws when the bytes exceed {@code eventbus.envelope.max-bytes}: what a consumed message is checked for first. */
    public void checkSize(byte[] bytes) throws InvalidEnvelopeException {
        if (bytes.length > settings.maxBytes()) {
            throw new InvalidEnvelopeException("envelope", bytes.length + " bytes exceeds the limit of "
                    + settings.maxBytes() + " bytes (eventbus.envelope.max-bytes)");
        }
    }

    /** Turns {@code $.location.field: must be ...} into field {@code data.location.field}, reason {@code must be ...}. */
    private static Violation schemaViolation(ValidationMessage message, String type, int major) {
        String location = message.getInstanceLocation().toString();
        String field = "data" + location.substring(1);
        String text = message.getMessage();
        String prefix = location + ": ";
        String reason = text.startsWith(prefix) ? text.substring(prefix.length()) : text;
        return new Violation(field, reason + " (schema " + type + "/" + major + ")");
    }
}
