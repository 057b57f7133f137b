package io.eventbus.tracing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} header ({@code 00-<trace-id>-<parent-id>-<flags>}): what the bus sets on
 * every message it sends, on every transport, so that tracing tools and OpenTelemetry-instrumented peers follow an
 * event across brokers. The envelope's {@code trace_id} stays the truth; the header is its W3C form, and
 * {@link #traceIdOf(String)} maps any {@code trace_id} to a W3C trace id the same way every time.
 *
 * @param traceId  32 lowercase hex digits, not all zero
 * @param parentId 16 lowercase hex digits, not all zero: the span (the publish) the message belongs to
 * @param flags    the trace flags, {@code 01} when sampled
 */
public record TraceParent(String traceId, String parentId, String flags) {

    /** The header's name on every transport (and the exchange header camel-opentelemetry reads and writes). */
    public static final String HEADER = "traceparent";

    private static final String VERSION = "00";
    private static final String SAMPLED = "01";
    private static final HexFormat HEX = HexFormat.of();

    /** A header for a message of the event whose {@code trace_id} is given, as its own new span. */
    public static TraceParent forTraceId(String envelopeTraceId) {
        return new TraceParent(traceIdOf(envelopeTraceId), newSpanId(), SAMPLED);
    }

    /**
     * The header of a message sent while handling {@code current} (the consumed message's header, or the one an
     * OpenTelemetry span put on the exchange): that one when it belongs to the event's trace, so the message is a
     * child of the span that sent it; otherwise a new span of the event's trace.
     */
    public static TraceParent forEvent(String envelopeTraceId, TraceParent current) {
        String traceId = traceIdOf(envelopeTraceId);
        if (current != null && current.traceId().equals(traceId)) {
            return current;
        }
        return new TraceParent(traceId, newSpanId(), SAMPLED);
    }

    /** The header, or null when it is absent or not a valid version-00 {@code traceparent}. */
    public static TraceParent parse(String header) {
        if (header == null || header.length() != 55 || !header.startsWith(VERSION + "-") || header.charAt(35) != '-'
                || header.charAt(52) != '-') {
            return null;
        }
        String traceId = header.substring(3, 35);
        String parentId = header.substring(36, 52);
        String flags = header.substring(53);
        if (!isLowerHex(traceId) || !isLowerHex(parentId) || !isLowerHex(flags) || isZero(traceId)
                || isZero(parentId)) {
            return null;
        }
        return new TraceParent(traceId, parentId, flags);
    }

    /**
     * The W3C trace id of an envelope's {@code trace_id}: itself when it is already 32 lowercase hex digits, a UUID
     * without its dashes, else the first 32 hex digits of its SHA-256 (stable, so every hop maps it alike).
     */
    public static String traceIdOf(String envelopeTraceId) {
        if (isW3cTraceId(envelopeTraceId)) {
            // the common case, every publish: an id the bus made, checked in one pass
            return envelopeTraceId;
        }
        String lower = envelopeTraceId.toLowerCase(Locale.ROOT);
        if (isW3cTraceId(lower)) {
            return lower;
        }
        String undashed = lower.replace("-", "");
        if (lower.length() == 36 && undashed.length() == 32 && isLowerHex(undashed) && !isZero(undashed)) {
            return undashed;
        }
        return HEX.formatHex(sha256(envelopeTraceId), 0, 16);
    }

    /** A new random trace id, for an event that starts a trace. */
    public static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong() | 1L) + HEX.toHexDigits(random.nextLong());
    }

    private static String newSpanId() {
        return HEX.toHexDigits(ThreadLocalRandom.current().nextLong() | 1L);
    }

    /** The header's text. */
    public String format() {
        return VERSION + "-" + traceId + "-" + parentId + "-" + flags;
    }

    @Override
    public String toString() {
        return format();
    }

    /** 32 lowercase hex digits, not all zero. */
    private static boolean isW3cTraceId(String s) {
        if (s.length() != 32) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < 32; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static boolean isZero(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
