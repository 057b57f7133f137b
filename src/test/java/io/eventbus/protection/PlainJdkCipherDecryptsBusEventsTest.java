package io.eventbus.protection;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.wireformat.TopicFormats;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Interop: an event the bus writes to an encrypted, compressed topic is opened here the way a client in another
 * language would, following docs/protection.md with the JDK's {@link Cipher} and {@link GZIPInputStream} alone, none
 * of the bus's code.
 */
class PlainJdkCipherDecryptsBusEventsTest {

    @Test
    void aBusWrittenEventDecryptsWithAPlainCipher() throws Exception {
        byte[] rawKey = DataProtectionTest.key(7);
        DefaultCamelContext context = new DefaultCamelContext();
        Properties config = new Properties();
        config.put("eventbus.topics.orders.encryption", "aes-256-gcm");
        config.put("eventbus.topics.orders.compression", "gzip");
        config.put("eventbus.topics.orders.compression-threshold", "0");
        config.put("eventbus.encryption.key-ids", "k7");
        config.put("eventbus.encryption.key.k7.secret", Base64.getEncoder().encodeToString(rawKey));
        config.put("eventbus.encryption.current-key", "k7");
        context.getPropertiesComponent().setInitialProperties(config);
        TopicFormats formats = new TopicFormats(new EventBusProperties(context), new EnvelopeValidator(
                new EnvelopeCodec(), new SchemaRegistry(), ValidationSettings.defaults()), Clock.systemUTC());
        ObjectMapper mapper = new ObjectMapper();
        Envelope event = Envelope.create("order_placed", "shop", mapper.readTree("{\"order\":\"o-1\",\"qty\":2}"))
                .setPublishedAt("2026-12-02T10:00:00Z");
        byte[] wire = formats.forTopic("orders").write(event, null);

        JsonNode message = mapper.readTree(wire);
        JsonNode encoding = message.get("data_encoding");
        assertEquals("AES-256-GCM", encoding.get("encryption").asText());
        assertEquals("gzip", encoding.get("compression").asText());
        assertEquals("k7", encoding.get("key_id").asText());

        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(rawKey, "AES"),
                new GCMParameterSpec(128, Base64.getDecoder().decode(encoding.get("nonce").asText())));
        cipher.updateAAD((message.get("event_id").asText() + "\n" + message.get("event_type").asText())
                .getBytes(StandardCharsets.UTF_8));
        byte[] compressed = cipher.doFinal(Base64.getDecoder().decode(message.get("data").asText()));
        byte[] plain;
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            plain = in.readAllBytes();
        }
        assertEquals("{\"order\":\"o-1\",\"qty\":2}", new String(plain, StandardCharsets.UTF_8));
    }
}
