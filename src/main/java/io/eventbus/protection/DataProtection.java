package io.eventbus.protection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;

/**
 * Compression and encryption of an event's {@code data}, and only of it: every other field stays as it was, so
 * routing by {@code event_type}, the transports' header mirrors, stats, dead-letter listing and replay all work on
 * a protected event without its key.
 * <p>
 * A sealed event carries {@value #FIELD}, a top-level object saying how {@code data} was sealed, and {@code data}
 * becomes a Base64 string (RFC 4648, with padding):
 * <ol>
 * <li>the plain bytes are {@code data} as compact UTF-8 JSON;</li>
 * <li>compressed ({@code "compression": "gzip" | "lz4" | "zstd"}) when the topic compresses and they are at least
 * the threshold long;</li>
 * <li>encrypted ({@code "encryption": "AES-256-GCM"}, {@code "key_id"}, {@code "nonce"}: 12 random bytes from
 * {@link SecureRandom}, Base64) when the topic encrypts: AES-256 in GCM with a 128-bit tag appended to the
 * ciphertext (the output of Java's {@code AES/GCM/NoPadding}), the associated data the UTF-8 bytes of
 * {@code event_id + "\n" + event_type}, so that sealed data moved to another event fails authentication.</li>
 * </ol>
 * {@link #open} reverses whatever {@value #FIELD} says, whatever this topic's own settings: a reader accepts every
 * codec, and every configured key. Data that cannot be opened (altered, another key, an unknown key id, a codec this
 * runtime lacks) throws an {@link InvalidEnvelopeException} on {@code data}, so the event is dead-lettered with the
 * reason and never reaches a route. Thread-safe.
 */
public final class DataProtection {

    /** The top-level field that marks a sealed {@code data}. */
    public static final String FIELD = "data_encoding";
    /** The value of {@code data_encoding.encryption}. */
    public static final String AES_256_GCM = "AES-256-GCM";
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A cipher per thread: Cipher.getInstance looks the provider up on every call, a visible cost per event. */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES/GCM/NoPadding", e);
        }
    });

    private final EnvelopeCodec codec;
    private final DataKeys keys;
    private final Compression compression;
    private final int threshold;
    private final boolean encrypts;
    private final int maxBytes;

    /**
     * @param keys        every key that decrypts; the current one encrypts
     * @param compression what the topic compresses with, {@link Compression#NONE} for nothing
     * @param threshold   the least plain {@code data} bytes that are compressed: below it, compressing costs more
     *                    than it saves
     * @param encrypts    whether the topic encrypts (with the current key)
     * @param maxBytes    the most bytes {@code data} may open to ({@code eventbus.envelope.max-bytes})
     */
    public DataProtection(EnvelopeCodec codec, DataKeys keys, Compression compression, int threshold,
            boolean encrypts, int maxBytes) {
        this.codec = codec;
        this.keys = keys;
        this.compression = compression;
        this.threshold = threshold;
        this.encrypts = encrypts;
        this.maxBytes = maxBytes;
    }

    /** A protection that writes plain data and opens every sealed one it has the keys for. */
    public static DataProtection reader(EnvelopeCodec codec, DataKeys keys, int maxBytes) {
        return new DataProtection(codec, keys, Compression.NONE, 0, false, maxBytes);
    }

    /** Whether {@link #seal} leaves every event as it is. */
    public boolean writesPlain() {
        return compression == Compression.NONE && !encrypts;
    }

    public boolean encrypts() {
        return encrypts;
    }

    public Compression compression() {
        return compression;
    }

    /** Whether the event's {@code data} is sealed (has {@value #FIELD}). */
    public static boolean isSealed(Envelope envelope) {
        return envelope.getExtensions().containsKey(FIELD);
    }

    /**
     * The event with {@code data} sealed as this topic writes it, a new envelope; the event itself when nothing is
     * to be done, or when its data is sealed already (a dead letter replayed without its key is passed on as it
     * is: its associated data, the id and type, is unchanged).
     */
    public Envelope seal(Envelope envelope) {
        if (writesPlain() || isSealed(envelope)) {
            return envelope;
        }
        byte[] plain = codec.writeJson(envelope.getData());
        Compression used = plain.length >= threshold ? compression : Compression.NONE;
        if (used == Compression.NONE && !encrypts) {
            return envelope;
        }
        ObjectNode encoding = JsonNodeFactory.instance.objectNode();
        byte[] bytes;
        try {
            bytes = used.compress(plain);
        } catch (IOException e) {
            throw new IllegalStateException("cannot compress data with " + used.label(), e);
        }
        if (used != Compression.NONE) {
            encoding.put("compression", used.label());
        }
        if (encrypts) {
            SecretKey key = keys.current("encryption");
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            try {
                Cipher cipher = CIPHERS.get();
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                cipher.updateAAD(associatedData(envelope));
                bytes = cipher.doFinal(bytes);
            } catch (GeneralSecurityException e) {
                // the JDK's message names the algorithm or the parameters, never the key
                throw new IllegalStateException("cannot encrypt data with key " + keys.currentId() + ": "
                        + e.getClass().getSimpleName(), e);
            }
            encoding.put("encryption", AES_256_GCM);
            encoding.put("key_id", keys.currentId());
            encoding.put("nonce", Base64.getEncoder().encodeToString(nonce));
        }
        Envelope sealed = envelope.withData(new TextNode(Base64.getEncoder().encodeToString(bytes)));
        sealed.getExtensions().put(FIELD, encoding);
        return sealed;
    }

    /**
     * Opens a sealed {@code data} in place (the event's data becomes the plain JSON and {@value #FIELD} goes); an
     * event that is not sealed is returned as it is.
     *
     * @return the same envelope
     * @throws InvalidEnvelopeException on {@code data} or {@value #FIELD}, saying why it cannot be opened
     */
    public Envelope open(Envelope envelope) throws InvalidEnvelopeException {
        JsonNode encoding = envelope.getExtensions().get(FIELD);
        if (encoding == null) {
            return envelope;
        }
        if (!encoding.isObject()) {
            throw new InvalidEnvelopeException(FIELD, "expected an object but was " + encoding.getNodeType()
                    .name().toLowerCase());
        }
        JsonNode data = envelope.getData();
        if (data == null || !data.isTextual()) {
            throw new InvalidEnvelopeException("data", "sealed data (" + FIELD + ") must be a Base64 string");
        }
        byte[] bytes = base64("data", data.textValue());
        JsonNode encryption = encoding.get("encryption");
        if (encryption != null && !encryption.isNull()) {
            bytes = decrypt(envelope, encoding, encryption, bytes);
        }
        JsonNode compressionName = encoding.get("compression");
        if (compressionName != null && !compressionName.isNull()) {
            Compression used = compressionOf(compressionName);
            if (!used.isAvailable()) {
                throw new InvalidEnvelopeException("data", "compressed with " + used.unavailable());
            }
            try {
                bytes = used.decompress(bytes, maxBytes);
            } catch (IOException e) {
                throw new InvalidEnvelopeException("data", "cannot be decompressed with " + used.label() + ": "
                        + e.getMessage());
            }
        } else if (bytes.length > maxBytes) {
            throw new InvalidEnvelopeException("data", bytes.length + " bytes exceeds the limit of " + maxBytes
                    + " bytes (eventbus.envelope.max-bytes)");
        }
        JsonNode plain;
        try {
            plain = codec.readJson(bytes);
        } catch (IOException e) {
            throw new InvalidEnvelopeException("data", "opened data is not JSON (" + FIELD + " does not say how it "
                    + "was sealed)");
        }
        envelope.setData(plain);
        envelope.getExtensions().remove(FIELD);
        return envelope;
    }

    private byte[] decrypt(Envelope envelope, JsonNode encoding, JsonNode encryption, byte[] sealed)
            throws InvalidEnvelopeException {
        if (!AES_256_GCM.equals(encryption.asText())) {
            throw new InvalidEnvelopeException(FIELD + ".encryption", "\"" + encryption.asText() + "\" is not "
                    + "supported (only " + AES_256_GCM + ")");
        }
        String keyId = encoding.path("key_id").asText("");
        if (keyId.isEmpty()) {
            throw new InvalidEnvelopeException(FIELD + ".key_id", "required field is missing");
        }
        SecretKey key = keys.key(keyId).orElseThrow(() -> new InvalidEnvelopeException("data", "encrypted with key \""
                + keyId + "\", which is not configured here (" + (keys.isEmpty() ? "no keys are"
                        : "configured: " + keys.ids()) + "; " + DataKeys.KEY_IDS + ", " + DataKeys.KEYSTORE + ")"));
        byte[] nonce = base64(FIELD + ".nonce", encoding.path("nonce").asText(""));
        if (nonce.length != NONCE_BYTES) {
            throw new InvalidEnvelopeException(FIELD + ".nonce", "expected " + NONCE_BYTES + " bytes but was "
                    + nonce.length);
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(envelope));
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new InvalidEnvelopeException("data", "cannot be decrypted with key \"" + keyId + "\": "
                    + "authentication failed (the data, event_id or event_type was altered, or another key of that "
                    + "id encrypted it)");
        } catch (GeneralSecurityException e) {
            throw new InvalidEnvelopeException("data", "cannot be decrypted with key \"" + keyId + "\": "
                    + e.getClass().getSimpleName());
        }
    }

    /** The associated data: {@code event_id + "\n" + event_type}, UTF-8 (a missing one counts as empty). */
    static byte[] associatedData(Envelope envelope) {
        String id = envelope.getEventId() == null ? "" : envelope.getEventId();
        String type = envelope.getEventType() == null ? "" : envelope.getEventType();
        return (id + "\n" + type).getBytes(StandardCharsets.UTF_8);
    }

    private static Compression compressionOf(JsonNode name) throws InvalidEnvelopeException {
        try {
            return Compression.named(FIELD + ".compression", name.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(FIELD + ".compression", "expected one of gzip, lz4, zstd but was \""
                    + name.asText() + "\"");
        }
    }

    private static byte[] base64(String field, String text) throws InvalidEnvelopeException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidEnvelopeException(field, "not Base64: " + e.getMessage());
        }
    }
}
