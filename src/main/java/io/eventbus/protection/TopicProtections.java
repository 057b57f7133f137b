package io.eventbus.protection;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;

/**
 * How each topic protects the {@code data} it writes, from configuration:
 * {@code eventbus.topics.<topic>.compression = none | gzip | lz4 | zstd} (default none) with
 * {@code eventbus.topics.<topic>.compression-threshold} (bytes of plain {@code data}, default 1024), and
 * {@code eventbus.topics.<topic>.encryption = none | aes-256-gcm} (default none) with the keys of {@link DataKeys}.
 * <p>
 * A dead-letter or parked topic ({@code <topic>.dlq}, {@code <topic>.parked}) without keys of its own protects as
 * its source topic does: an encrypted topic's failures stay encrypted. Every topic reads whatever a message says
 * it is sealed with. A topic's protection is resolved once, on first use; a codec this runtime lacks or encryption
 * without a current key fails then, naming the key. Thread-safe.
 */
public final class TopicProtections {

    /** Bytes of plain {@code data} below which nothing is compressed. */
    public static final int DEFAULT_THRESHOLD = 1024;
    static final String NONE = "none";

    private final EventBusProperties properties;
    private final EnvelopeCodec codec;
    private final DataKeys keys;
    private final int maxBytes;
    private final DataProtection reader;
    private final Map<String, DataProtection> byTopic = new ConcurrentHashMap<>();

    /**
     * @param maxBytes the most bytes {@code data} may open to ({@code eventbus.envelope.max-bytes})
     * @throws IllegalArgumentException naming the key, when the encryption keys are misconfigured
     */
    public TopicProtections(EventBusProperties properties, EnvelopeCodec codec, int maxBytes) {
        this.properties = properties;
        this.codec = codec;
        this.maxBytes = maxBytes;
        this.keys = DataKeys.load(properties);
        this.reader = DataProtection.reader(codec, keys, maxBytes);
    }

    /** What every topic reads with: all codecs, all configured keys; writes plain. */
    public DataProtection reader() {
        return reader;
    }

    /** The configured key ids (never the keys). */
    public DataKeys keys() {
        return keys;
    }

    /** The topic's protection; throws naming the key when its settings cannot be used. */
    public DataProtection forTopic(String topic) {
        return byTopic.computeIfAbsent(topic, this::resolve);
    }

    private DataProtection resolve(String topic) {
        String configured = hasOwnSettings(topic) ? topic : DeadLetterTopics.sourceTopicOf(topic);
        String compressionKey = key(configured, "compression");
        Compression compression = properties.string(compressionKey).map(v -> Compression.named(compressionKey, v))
                .orElse(Compression.NONE);
        compression.requireAvailable(compressionKey);
        String thresholdKey = key(configured, "compression-threshold");
        int threshold = properties.string(thresholdKey).map(v -> threshold(thresholdKey, v))
                .orElse(DEFAULT_THRESHOLD);
        String encryptionKey = key(configured, "encryption");
        boolean encrypts = properties.string(encryptionKey).map(v -> encrypts(encryptionKey, v)).orElse(false);
        if (encrypts) {
            keys.current(encryptionKey);
        }
        if (compression == Compression.NONE && !encrypts) {
            return reader;
        }
        return new DataProtection(codec, keys, compression, threshold, encrypts, maxBytes);
    }

    private boolean hasOwnSettings(String topic) {
        return properties.string(key(topic, "compression")).isPresent()
                || properties.string(key(topic, "encryption")).isPresent();
    }

    private static boolean encrypts(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case NONE -> false;
            case "aes-256-gcm" -> true;
            default -> throw new IllegalArgumentException(key + ": expected none or aes-256-gcm but was \"" + value
                    + "\"");
        };
    }

    private static int threshold(String key, String value) {
        try {
            int bytes = Integer.parseInt(value);
            if (bytes >= 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": expected a number of bytes >= 0 but was \"" + value + "\"");
    }

    private static String key(String topic, String setting) {
        return "eventbus.topics." + topic + "." + setting;
    }
}
