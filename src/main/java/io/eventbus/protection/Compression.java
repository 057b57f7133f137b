package io.eventbus.protection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The codecs a topic's {@code data} may be compressed with ({@code eventbus.topics.<topic>.compression}), each
 * written in its standard frame format so that any language's library reads it: gzip (RFC 1952, the JDK's own),
 * lz4 (the LZ4 frame format, lz4-java) and zstd (the Zstandard frame format, zstd-jni). lz4-java and zstd-jni come
 * with kafka-clients; where one is missing (a Karaf without the Kafka feature), {@link #requireAvailable(String)}
 * fails the topic's start naming the key and the library, and a message compressed with it is dead-lettered with
 * that reason.
 */
public enum Compression {

    NONE("none", null, null),
    GZIP("gzip", null, null),
    LZ4("lz4", "net.jpountz.lz4.LZ4FrameOutputStream", "org.lz4:lz4-java"),
    ZSTD("zstd", "com.github.luben.zstd.Zstd", "com.github.luben:zstd-jni");

    private final String label;
    private final String probeClass;
    private final String library;
    private volatile Boolean available;

    Compression(String label, String probeClass, String library) {
        this.label = label;
        this.probeClass = probeClass;
        this.library = library;
    }

    /** The name written in configuration and on the message: {@code none}, {@code gzip}, {@code lz4}, {@code zstd}. */
    public String label() {
        return label;
    }

    /** The codec of that name; throws naming the key and the names allowed. */
    public static Compression named(String key, String value) {
        for (Compression c : values()) {
            if (c.label.equals(value.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException(key + ": expected one of none, gzip, lz4, zstd but was \"" + value + "\"");
    }

    /**
     * Whether this runtime can compress and decompress with it: the library is on the class path and (zstd) its
     * native code loads. Tried once.
     */
    public boolean isAvailable() {
        Boolean known = available;
        if (known == null) {
            known = probeClass == null || probe();
            available = known;
        }
        return known;
    }

    /** Throws naming the key and the missing library when this runtime cannot use the codec. */
    public void requireAvailable(String key) {
        if (!isAvailable()) {
            throw new IllegalStateException(key + ": " + unavailable());
        }
    }

    String unavailable() {
        return label + " needs " + library + ", which is not available in this runtime (in Karaf: install the "
                + "eventbus-kafka feature, which brings it; or choose gzip)";
    }

    private boolean probe() {
        try {
            Class.forName(probeClass, true, Compression.class.getClassLoader());
            // zstd-jni loads its native library at first use: a class that loads but cannot run is not available
            decompress(compress(new byte[] {'{', '}'}), 2);
            return true;
        } catch (LinkageError | ClassNotFoundException | IOException e) {
            return false;
        }
    }

    /** The bytes compressed in this codec's frame format; {@link #NONE} returns them as they are. */
    public byte[] compress(byte[] plain) throws IOException {
        if (this == NONE) {
            return plain;
        }
        if (this == ZSTD) {
            return ZstdFrames.compress(plain);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, plain.length / 2));
        try (OutputStream compressing = compressing(out)) {
            compressing.write(plain);
        }
        return out.toByteArray();
    }

    /**
     * The bytes decompressed, at most {@code maxBytes} of them: a small message must not expand without bound (a
     * decompression bomb) past the size limit every event is held to.
     *
     * @throws IOException when the bytes are not in this codec's format, or expand to more than {@code maxBytes}
     */
    public byte[] decompress(byte[] compressed, int maxBytes) throws IOException {
        if (this == NONE) {
            return compressed;
        }
        if (this == ZSTD) {
            byte[] plain = ZstdFrames.decompress(compressed, maxBytes);
            if (plain != null) {
                return plain;
            }
        }
        try (InputStream in = decompressing(new ByteArrayInputStream(compressed))) {
            byte[] plain = in.readNBytes(maxBytes + 1);
            if (plain.length > maxBytes) {
                throw new IOException("expands to more than " + maxBytes + " bytes (eventbus.envelope.max-bytes)");
            }
            return plain;
        }
    }

    private OutputStream compressing(OutputStream out) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPOutputStream(out, 4096);
            case LZ4 -> Lz4Frames.compressing(out);
            case ZSTD -> ZstdFrames.compressing(out);
            case NONE -> out;
        };
    }

    private InputStream decompressing(InputStream in) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(in, 4096);
            case LZ4 -> Lz4Frames.decompressing(in);
            case ZSTD -> ZstdFrames.decompressing(in);
            case NONE -> in;
        };
    }
}
