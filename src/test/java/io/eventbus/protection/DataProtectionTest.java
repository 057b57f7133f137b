package io.eventbus.protection;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.InvalidEnvelopeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataProtectionTest {

    static final byte[] K1 = key(1);
    static final byte[] K2 = key(2);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX = 1 << 20;

    static byte[] key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i);
        }
        return key;
    }

    private static Envelope event(int repeat) throws Exception {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("order", "o-1").put("price", new java.math.BigDecimal("40.50"));
        data.put("note", "x".repeat(repeat));
        Envelope envelope = Envelope.create("order_placed", "shop", data);
        envelope.setPublishedAt("2026-12-02T10:00:00Z");
        return envelope;
    }

    private static DataProtection writer(Compression compression, boolean encrypts, String current) {
        return new DataProtection(CODEC, DataKeys.of(Map.of("k1", K1, "k2", K2), current), compression, 100,
                encrypts, MAX);
    }

    /** Writes and reads back as the wire does: the sealed event as bytes, decoded, opened. */
    private static Envelope roundTrip(Envelope sealed, DataProtection reader) {
        return reader.open(CODEC.decode(CODEC.encode(sealed)));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyCodecRoundTripsAndIsReadByAReaderThatWritesPlain(Compression compression) throws Exception {
        Envelope plain = event(2000);
        Envelope sealed = writer(compression, false, null).seal(plain);
        if (compression == Compression.NONE) {
            assertSame(plain, sealed);
            return;
        }
        assertEquals(compression.label(), sealed.getExtensions().get("data_encoding").get("compression").asText());
        assertTrue(sealed.getData().isTextual());
        assertTrue(sealed.getData().asText().length() < 1000, "2000 repeated bytes compress");
        assertEquals("o-1", plain.getData().get("order").asText(), "the caller's event is left as it was");
        Envelope read = roundTrip(sealed, DataProtection.reader(CODEC, DataKeys.NONE, MAX));
        assertEquals(plain.getData(), read.getData());
        assertEquals("40.50", read.getData().get("price").asText(), "numbers keep their digits");
        assertFalse(read.getExtensions().containsKey("data_encoding"));
    }

    @Test
    void aZstdFrameThatDoesNotStateItsSizeIsReadTooWithinTheLimit() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.OutputStream zstd = ZstdFrames.compressing(out)) {
            zstd.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{\"a\":1}", new String(Compression.ZSTD.decompress(out.toByteArray(), 100),
                StandardCharsets.UTF_8));
        byte[] big = Compression.ZSTD.compress(new byte[5000]);
        assertThrows(java.io.IOException.class, () -> Compression.ZSTD.decompress(big, 100));
    }

    @Test
    void dataBelowTheThresholdIsNotCompressed() throws Exception {
        Envelope small = event(10);
        assertSame(small, writer(Compression.GZIP, false, null).seal(small));
        ObjectNode encoding = (ObjectNode) writer(Compression.GZIP, true, "k1").seal(small).getExtensions()
                .get("data_encoding");
        assertFalse(encoding.has("compression"), "encrypted, not compressed: " + encoding);
        assertEquals("AES-256-GCM", encoding.get("encryption").asText());
    }

    @Test
    void encryptedDataHidesThePayloadAndOpensWithTheKey() throws Exception {
        Envelope plain = event(50);
        Envelope sealed = writer(Compression.ZSTD, true, "k1").seal(plain);
        String wire = new String(CODEC.encode(sealed), StandardCharsets.UTF_8);
        assertFalse(wire.contains("o-1"), wire);
        assertTrue(wire.contains("\"event_type\":\"order_placed\""), "routing fields stay readable: " + wire);
        JsonNode encoding = sealed.getExtensions().get("data_encoding");
        assertEquals("k1", encoding.get("key_id").asText());
        assertEquals(12, Base64.getDecoder().decode(encoding.get("nonce").asText()).length);
        assertEquals(plain.getData(), roundTrip(sealed, writer(Compression.NONE, false, null)).getData());
        assertNotEquals(encoding.get("nonce"), writer(Compression.ZSTD, true, "k1").seal(plain).getExtensions()
                .get("data_encoding").get("nonce"), "a new nonce each time");
    }

    @Test
    void rotationTheCurrentKeyEncryptsEveryConfiguredKeyDecrypts() throws Exception {
        Envelope byOld = writer(Compression.NONE, true, "k1").seal(event(5));
        Envelope byNew = writer(Compression.NONE, true, "k2").seal(event(5));
        assertEquals("k2", byNew.getExtensions().get("data_encoding").get("key_id").asText());
        DataProtection rotated = writer(Compression.NONE, false, "k2");
        assertEquals("o-1", roundTrip(byOld, rotated).getData().get("order").asText());
        assertEquals("o-1", roundTrip(byNew, rotated).getData().get("order").asText());
        DataProtection onlyNew = new DataProtection(CODEC, DataKeys.of(Map.of("k2", K2), "k2"), Compression.NONE,
                0, false, MAX);
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> roundTrip(byOld, onlyNew));
        assertEquals("data: encrypted with key \"k1\", which is not configured here (configured: [k2]; "
                + "eventbus.encryption.key-ids, eventbus.encryption.keystore)", e.getMessage());
    }

    @Test
    void alteredDataOrRoutingFieldsFailAuthenticationNamingTheKeyNeverItsValue() throws Exception {
        Envelope sealed = writer(Compression.NONE, true, "k1").seal(event(5));
        byte[] bytes = Base64.getDecoder().decode(sealed.getData().asText());
        bytes[3] ^= 1;
        Envelope flipped = sealed.withData(new TextNode(Base64.getEncoder().encodeToString(bytes)));
        DataProtection reader = writer(Compression.NONE, false, null);
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> roundTrip(flipped, reader));
        assertEquals("data", e.getField());
        assertTrue(e.getMessage().startsWith("data: cannot be decrypted with key \"k1\": authentication failed"),
                e.getMessage());
        assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(K1)));
        Envelope moved = sealed.copy().setEventType("order_cancelled");
        assertThrows(InvalidEnvelopeException.class, () -> roundTrip(moved, reader), "bound to event_type");
        Envelope otherId = sealed.copy().setEventId("another");
        assertThrows(InvalidEnvelopeException.class, () -> roundTrip(otherId, reader), "bound to event_id");
    }

    @Test
    void aSealedEventIsNotSealedTwiceAndItsRetryCountMayChange() throws Exception {
        DataProtection writer = writer(Compression.GZIP, true, "k1");
        Envelope sealed = writer.seal(event(500));
        assertSame(sealed, writer.seal(sealed));
        sealed.setRetryCount(3);
        sealed.getMetadata().put("last_error", "boom");
        assertEquals("o-1", roundTrip(sealed, writer).getData().get("order").asText());
    }

    @Test
    void dataThatExpandsPastTheLimitIsRefused() throws Exception {
        Envelope sealed = new DataProtection(CODEC, DataKeys.NONE, Compression.GZIP, 0, false, MAX)
                .seal(event(100_000));
        DataProtection small = DataProtection.reader(CODEC, DataKeys.NONE, 10_000);
        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> roundTrip(sealed, small));
        assertEquals("data: cannot be decompressed with gzip: expands to more than 10000 bytes "
                + "(eventbus.envelope.max-bytes)", e.getMessage());
    }

    @Test
    void anUnknownCodecOrBrokenBase64IsNamed() throws Exception {
        Envelope sealed = writer(Compression.GZIP, false, null).seal(event(500));
        ((ObjectNode) sealed.getExtensions().get("data_encoding")).put("compression", "brotli");
        DataProtection reader = DataProtection.reader(CODEC, DataKeys.NONE, MAX);
        assertEquals("data_encoding.compression: expected one of gzip, lz4, zstd but was \"brotli\"",
                assertThrows(InvalidEnvelopeException.class, () -> roundTrip(sealed, reader)).getMessage());
        Envelope notBase64 = sealed.withData(new TextNode("%%%"));
        assertEquals("data", assertThrows(InvalidEnvelopeException.class,
                () -> roundTrip(notBase64, reader)).getField());
    }

    @Test
    void encryptingWithoutACurrentKeyFailsNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataKeys.NONE.current("eventbus.topics.t.encryption"));
        assertTrue(e.getMessage().startsWith("eventbus.topics.t.encryption: encryption needs a key: set "
                + "eventbus.encryption.current-key"), e.getMessage());
    }
}
