package io.eventbus.protection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * The Zstandard frame format through zstd-jni (level 3, its default), in a class of its own so that
 * {@link Compression} loads without the library.
 */
final class ZstdFrames {

    private ZstdFrames() {
    }

    static OutputStream compressing(OutputStream out) throws IOException {
        return new ZstdOutputStream(out);
    }

    static InputStream decompressing(InputStream in) throws IOException {
        return new ZstdInputStream(in);
    }
}
