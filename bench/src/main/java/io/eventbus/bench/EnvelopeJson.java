package io.eventbus.bench;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;

/**
 * How the peer rows write and read an event: the envelope's JSON with the same Jackson codec the bus uses, so every
 * row carries the same bytes and pays a JSON write per publish and a JSON parse per consumed event, as any
 * application carrying these events does. The bus does more per event (validation against the schema); the peers
 * do not, which is their advantage to make up.
 */
final class EnvelopeJson {

    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    private EnvelopeJson() {
    }

    static byte[] write(Envelope event) {
        return CODEC.encode(event);
    }

    /** Parses the envelope and returns its {@code data.seq}. */
    static int seqOf(byte[] json) {
        return CODEC.decode(json).getData().get("seq").asInt();
    }
}
