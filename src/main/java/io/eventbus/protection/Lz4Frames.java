package io.eventbus.protection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * The LZ4 frame format through lz4-java, in a class of its own so that {@link Compression} loads without the
 * library. Blocks of 64 KiB: an event is small, and the default 4 MiB block would allocate 4 MiB per message.
 */
final class Lz4Frames {

    private Lz4Frames() {
    }

    static OutputStream compressing(OutputStream out) throws IOException {
        return new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB);
    }

    static InputStream decompressing(InputStream in) throws IOException {
        return new LZ4FrameInputStream(in);
    }
}
