package io.eventbus.feed;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.eventbus.envelope.InvalidEnvelopeException;

/**
 * Reads a JSONL file line by line as bytes, so that one line that is not UTF-8 is reported as that line's fault
 * instead of ending the whole read as a {@link java.io.BufferedReader} would. Blank lines are skipped; a trailing
 * {@code \r} is dropped.
 */
public final class JsonLines implements AutoCloseable {

    /** One non-blank line: its 1-based number in the file, and its bytes. */
    public record Line(int number, byte[] bytes) {

        /** The line as text; not UTF-8 is an invalid event, named as such. */
        public String text() throws InvalidEnvelopeException {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidEnvelopeException("envelope", "not valid UTF-8 text");
            }
        }
    }

    private final InputStream in;
    private int number;

    public JsonLines(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file));
    }

    /** The next non-blank line, or null at the end of the file. */
    public Line next() throws IOException {
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
            number++;
            byte[] bytes = line.toByteArray();
            int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            if (!new String(bytes, 0, length, StandardCharsets.ISO_8859_1).isBlank()) {
                return new Line(number, length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
