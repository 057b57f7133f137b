package io.eventbus.protection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Properties;

import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataKeysTest {

    private static final String K1 = Base64.getEncoder().encodeToString(DataProtectionTest.K1);

    static EventBusProperties properties(String... keyValues) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(properties);
        return new EventBusProperties(context);
    }

    @Test
    void noKeysConfiguredIsNone() {
        assertSame(DataKeys.NONE, DataKeys.load(properties()));
    }

    @Test
    void keysByIdFromConfigurationAndAKeystoreTheCurrentOneEncrypting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "store-secret".toCharArray();
        store.setEntry("k2", new KeyStore.SecretKeyEntry(new SecretKeySpec(DataProtectionTest.K2, "AES")),
                new KeyStore.PasswordProtection(password));
        try (var out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        DataKeys keys = DataKeys.load(properties("eventbus.encryption.key-ids", "k1",
                "eventbus.encryption.key.k1.secret", K1, "eventbus.encryption.keystore", file.toString(),
                "eventbus.encryption.keystore-password", "store-secret", "eventbus.encryption.current-key", "k2"));
        assertEquals(java.util.Set.of("k1", "k2"), keys.ids());
        assertEquals("k2", keys.currentId());
        assertTrue(keys.key("k2").isPresent());
        assertFalse(keys.toString().contains(K1));

        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> DataKeys.load(properties(
                "eventbus.encryption.keystore", file.toString(), "eventbus.encryption.keystore-password", "nope")));
        assertTrue(wrong.getMessage().startsWith("eventbus.encryption.keystore: cannot open " + file), wrong
                .getMessage());
        assertFalse(wrong.getMessage().contains("nope"));
    }

    @Test
    void aBadKeyIsNamedNeverShown() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataKeys.load(properties(
                "eventbus.encryption.key-ids", "k1", "eventbus.encryption.key.k1.secret", shortKey)));
        assertEquals("eventbus.encryption.key.k1.secret: an AES-256 key is 32 bytes, but key \"k1\" has 16", e.getMessage());
        assertEquals("eventbus.encryption.key.k1.secret: expected 32 bytes in Base64 (openssl rand -base64 32), but the "
                + "value is not Base64", assertThrows(IllegalArgumentException.class, () -> DataKeys.load(
                        properties("eventbus.encryption.key-ids", "k1", "eventbus.encryption.key.k1.secret", "s3cr3t!")))
                .getMessage());
        assertEquals("eventbus.encryption.key-ids lists key \"k2\" but eventbus.encryption.key.k2.secret is not set "
                + "(nor EVENTBUS_ENCRYPTION_KEY_K2_SECRET, nor EVENTBUS_ENCRYPTION_KEY_K2_SECRET_FILE)", assertThrows(
                        IllegalArgumentException.class, () -> DataKeys.load(properties("eventbus.encryption.key-ids",
                                "k2"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataKeys.load(properties(
                "eventbus.encryption.key-ids", "K_1"))).getMessage().startsWith("eventbus.encryption.key-ids: key id "
                        + "\"K_1\" must be 1 to 64 lower-case letters and digits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataKeys.load(properties(
                "eventbus.encryption.key-ids", "k1", "eventbus.encryption.key.k1.secret", K1,
                "eventbus.encryption.current-key", "k9"))).getMessage().startsWith(
                        "eventbus.encryption.current-key: key \"k9\" is not among the configured keys [k1]"));
    }

    @Test
    void aTopicSealsAsConfiguredItsDeadLettersFollowAndAMissingCodecOrKeyFailsNamingTheKey() {
        TopicProtections protections = new TopicProtections(properties("eventbus.topics.a.compression", "lz4",
                "eventbus.topics.a.compression-threshold", "0", "eventbus.topics.b.encryption", "aes-256-gcm",
                "eventbus.topics.b.dlq.encryption", "none", "eventbus.encryption.key-ids", "k1",
                "eventbus.encryption.key.k1.secret", K1, "eventbus.encryption.current-key", "k1",
                "eventbus.topics.c.compression", "snappy"), new io.eventbus.envelope.EnvelopeCodec(), 1 << 20);
        assertEquals(Compression.LZ4, protections.forTopic("a").compression());
        assertEquals(Compression.LZ4, protections.forTopic("a.dlq").compression());
        assertTrue(protections.forTopic("b").encrypts());
        assertTrue(protections.forTopic("b.parked").encrypts());
        assertFalse(protections.forTopic("b.dlq").encrypts(), "its own key wins");
        assertSame(protections.reader(), protections.forTopic("plain"));
        assertEquals("eventbus.topics.c.compression: expected one of none, gzip, lz4, zstd but was \"snappy\"",
                assertThrows(IllegalArgumentException.class, () -> protections.forTopic("c")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TopicProtections(properties(
                "eventbus.topics.d.encryption", "aes-256-gcm"), new io.eventbus.envelope.EnvelopeCodec(), 1000)
                .forTopic("d")).getMessage().startsWith("eventbus.topics.d.encryption: encryption needs a key"));
    }

    @Test
    void lz4AndZstdComeWithTheKafkaClientHere() {
        assertTrue(Compression.LZ4.isAvailable());
        assertTrue(Compression.ZSTD.isAvailable());
    }
}
