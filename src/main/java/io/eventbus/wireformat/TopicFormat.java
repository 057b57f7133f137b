package io.eventbus.wireformat;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.InvalidEnvelopeException;

/**
 * How one topic's messages are written on the wire: the envelope, CloudEvents, or a system's own JSON through a
 * {@link WireMapping}. Implementations are thread-safe; one instance serves every consumer and producer of the
 * topics that use it.
 */
public interface TopicFormat {

    /** {@code envelope}, {@code cloudevents} or the mapping's name. */
    String name();

    /** Whether messages are a system's own JSON rather than the bus's envelope (or CloudEvents). */
    boolean isMapped();

    /**
     * A consumed message as an envelope, checked as the bus checks every consumed event (size, structure, the JSON
     * Schema of {@code data}, the major-version policy). Violations name the native field a mapped format read, with
     * the envelope field it maps to: {@code type: required field is missing (mapped to event_type)}.
     */
    Envelope read(byte[] message) throws InvalidEnvelopeException;

    /** A message read before as an envelope again, structure only: what the dead-letter path needs. */
    Envelope decode(byte[] message) throws InvalidEnvelopeException;

    /**
     * The envelope checked as a publish is checked, then as wire bytes.
     *
     * @param origin the message this event was read from in this format, or null for an event of the route's own:
     *               a mapped format then writes that message with only the fields the route changed
     */
    byte[] write(Envelope envelope, byte[] origin) throws InvalidEnvelopeException;

    /** The envelope as wire bytes without the publish checks: a dead letter is written even when it is invalid. */
    byte[] encode(Envelope envelope, byte[] origin);
}
