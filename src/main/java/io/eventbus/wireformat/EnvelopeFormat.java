package io.eventbus.wireformat;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;

/**
 * The bus's own formats: the envelope as UTF-8 JSON ({@code envelope}), or CloudEvents 1.0 structured JSON
 * ({@code cloudevents}). Either is read whichever the topic writes: a CloudEvent is recognised by its
 * {@code specversion}.
 */
final class EnvelopeFormat implements TopicFormat {

    static final String ENVELOPE = "envelope";
    static final String CLOUDEVENTS = "cloudevents";

    private final EnvelopeValidator validator;
    private final boolean cloudEvents;

    EnvelopeFormat(EnvelopeValidator validator, boolean cloudEvents) {
        this.validator = validator;
        this.cloudEvents = cloudEvents;
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
        return validator.read(message);
    }

    @Override
    public Envelope decode(byte[] message) {
        return validator.codec().decode(message);
    }

    @Override
    public byte[] write(Envelope envelope, byte[] origin) throws InvalidEnvelopeException {
        byte[] bytes = validator.write(envelope);
        return cloudEvents ? validator.codec().encodeCloudEvent(envelope) : bytes;
    }

    @Override
    public byte[] encode(Envelope envelope, byte[] origin) {
        return cloudEvents ? validator.codec().encodeCloudEvent(envelope) : validator.codec().encode(envelope);
    }
}
