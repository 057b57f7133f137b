package io.eventbus.wireformat;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.protection.DataProtection;

/**
 * The bus's own formats: the envelope as UTF-8 JSON ({@code envelope}), or CloudEvents 1.0 structured JSON
 * ({@code cloudevents}). Either is read whichever the topic writes: a CloudEvent is recognised by its
 * {@code specversion}.
 * <p>
 * {@code data} is opened before the checks when a message says it is compressed or encrypted
 * ({@link DataProtection}), whatever the topic's own settings; an envelope topic that compresses or encrypts seals
 * {@code data} after the publish checks, which see the plain data.
 */
final class EnvelopeFormat implements TopicFormat {

    static final String ENVELOPE = "envelope";
    static final String CLOUDEVENTS = "cloudevents";

    private final EnvelopeValidator validator;
    private final boolean cloudEvents;
    private final DataProtection protection;

    EnvelopeFormat(EnvelopeValidator validator, boolean cloudEvents, DataProtection protection) {
        this.validator = validator;
        this.cloudEvents = cloudEvents;
        this.protection = protection;
    }

    @Override
    public String name() {
        return cloudEvents ? CLOUDEVENTS : ENVELOPE;
    }

    @Override
    public boolean isMapped() {
        return false;
    }

    @Override
    public Envelope read(byte[] message) {
        validator.checkSize(message);
        Envelope envelope = protection.open(validator.codec().decode(message));
        validator.validate(envelope);
        return envelope;
    }

    @Override
    public Envelope decode(byte[] message) {
        Envelope envelope = validator.codec().decode(message);
        try {
            return protection.open(envelope);
        } catch (InvalidEnvelopeException sealedForGood) {
            // the dead-letter path keeps what it cannot open as it came
            return envelope;
        }
    }

    @Override
    public byte[] write(Envelope envelope, byte[] origin) throws InvalidEnvelopeException {
        // the checks see the plain event; the size limit applies to what goes on the wire, encoded once
        validator.codec().check(envelope);
        validator.validate(envelope);
        byte[] bytes = encode(envelope, origin);
        validator.checkSize(bytes);
        return bytes;
    }

    @Override
    public byte[] encode(Envelope envelope, byte[] origin) {
        return cloudEvents ? validator.codec().encodeCloudEvent(envelope)
                : validator.codec().encode(protection.seal(envelope));
    }
}
