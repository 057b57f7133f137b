package io.eventbus.protection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * The Zstandard frame format through zstd-jni (level 3, its default), in a class of its own so that
 * {@link Compression} loads without the library. One-shot calls on a context kept per thread where they can be
 * used: a stream allocates a native context and its buffers per message, which made a zstd topic cost four times
 * the CPU per event of a plain one, and a one-shot call without a kept context still twice.
 */
final class ZstdFrames {

    private static final int LEVEL = 3;
    /** ZSTD_CONTENTSIZE_UNKNOWN: the frame does not state its size. */
    private static final long SIZE_UNKNOWN = -1;

    private static final ThreadLocal<ZstdCompressCtx> COMPRESSORS =
            ThreadLocal.withInitial(() -> new ZstdCompressCtx().setLevel(LEVEL));
    private static final ThreadLocal<ZstdDecompressCtx> DECOMPRESSORS = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    private ZstdFrames() {
    }

    static byte[] compress(byte[] plain) {
        return COMPRESSORS.get().compress(plain);
    }

    /**
     * A frame that states its content size (as {@link #compress} writes it) is decompressed in one call, after its
     * size is checked; a frame without it (a streaming producer's) through a stream, bounded by the caller.
     *
     * @return the plain bytes, or null when the frame does not state its size
     */
    static byte[] decompress(byte[] compressed, int maxBytes) throws IOException {
        long size;
        try {
            size = Zstd.getFrameContentSize(compressed);
        } catch (ZstdException e) {
            throw new IOException("not a zstd frame: " + e.getMessage());
        }
        if (size < 0) {
            if (size == SIZE_UNKNOWN) {
                return null;
            }
            throw new IOException("not a zstd frame");
        }
        if (size > maxBytes) {
            throw new IOException("expands to more than " + maxBytes + " bytes (eventbus.envelope.max-bytes)");
        }
        try {
            return DECOMPRESSORS.get().decompress(compressed, (int) size);
        } catch (ZstdException e) {
            throw new IOException(e.getMessage());
        }
    }

    static OutputStream compressing(OutputStream out) throws IOException {
        return new ZstdOutputStream(out, LEVEL);
    }

    static InputStream decompressing(InputStream in) throws IOException {
        return new ZstdInputStream(in);
    }
}
