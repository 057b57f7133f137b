package io.eventbus.protection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.OutboundMessages;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compressed and encrypted topics over the real transports (memory, Redis on 127.0.0.1:6379, RabbitMQ on
 * 127.0.0.1:5672), the routes seeing plain events:
 * <ul>
 * <li>a gzip topic and an encrypted (and zstd) topic round-trip every event, exactly the ids published, and what the
 * broker holds is sealed: a second group reading the raw messages finds {@code data_encoding} and, on the encrypted
 * topic, no trace of the data;</li>
 * <li>a topic whose own setting is lz4 reads messages sealed every other way (gzip, lz4, zstd, plain, encrypted with
 * the old key and with the current one);</li>
 * <li>an altered message and one encrypted with a key this application lacks are dead-lettered with the reason
 * and never reach the route: published = processed + dead-lettered, as id sets.</li>
 * </ul>
 */
class DataProtectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final byte[] OLD = DataProtectionTest.key(11);
    private static final byte[] CURRENT = DataProtectionTest.key(12);
    private static final byte[] FOREIGN = DataProtectionTest.key(13);
    private static final String SECRET_WORD = "card-4111111111111111";

    private static Map<String, String> transport(String name) {
        return switch (name) {
            case "redis" -> Map.of("eventbus.transport", "redis", "eventbus.redis.uri", "redis://127.0.0.1:6379");
            case "rabbitmq" -> Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri",
                    "amqp://guest:guest@127.0.0.1:5672");
            default -> Map.of("eventbus.transport", "memory");
        };
    }

    private static Envelope event(int i, boolean large) {
        ObjectNode data = JSON.createObjectNode().put("n", i).put("card", SECRET_WORD)
                .put("note", large ? "lorem ipsum ".repeat(200) : "short");
        return Envelope.create("payment_captured", "it", data);
    }

    @ParameterizedTest
    @ValueSource(strings = { "memory", "redis", "rabbitmq" })
    void compressedAndEncryptedTopicsRoundTripReadEveryCodecAndDeadLetterWhatCannotBeOpened(String transportName)
            throws Exception {
        String prefix = "dp-" + UUID.randomUUID().toString().substring(0, 8);
        String zipped = prefix + ".zipped";
        String secret = prefix + ".secret";
        String mixed = prefix + ".mixed";
        Properties config = new Properties();
        config.putAll(transport(transportName));
        config.put("eventbus.topics." + zipped + ".compression", "gzip");
        config.put("eventbus.topics." + secret + ".encryption", "aes-256-gcm");
        config.put("eventbus.topics." + secret + ".compression", "zstd");
        config.put("eventbus.topics." + mixed + ".compression", "lz4");
        config.put("eventbus.encryption.key-ids", "old,current");
        config.put("eventbus.encryption.key.old.secret", Base64.getEncoder().encodeToString(OLD));
        config.put("eventbus.encryption.key.current.secret", Base64.getEncoder().encodeToString(CURRENT));
        config.put("eventbus.encryption.current-key", "current");
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(config);
        Map<String, Map<String, JsonNode>> processed = new ConcurrentHashMap<>();
        Map<String, Envelope> deadLetters = new ConcurrentHashMap<>();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String topic : List.of(zipped, secret, mixed)) {
                    from("bus:" + topic + "?group=app").routeId("app-" + topic)
                            .errorHandler(EventBusErrorHandler.deadLetterChannel())
                            .process(e -> {
                                Envelope in = e.getIn().getBody(Envelope.class);
                                processed.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                                        .put(in.getEventId(), in.getData());
                            });
                }
                from("bus:" + mixed + ".dlq?group=ops").routeId("ops-" + mixed)
                        .process(e -> {
                            Envelope letter = e.getIn().getBody(Envelope.class);
                            deadLetters.put(letter.getEventId(), letter.copy());
                        });
            }
        });
        Map<String, List<String>> raw = new ConcurrentHashMap<>();
        List<TransportConsumer> rawReaders = new ArrayList<>();
        try {
            context.start();
            BusComponent bus = context.getComponent("bus", BusComponent.class);
            for (String topic : List.of(zipped, secret)) {
                Transport transport = bus.transportFor(topic);
                TransportConsumer reader = transport.bindConsumer(topic, new ConsumerBinding("raw", "raw-1", 4, 100,
                        StartPosition.EARLIEST), (DeliveryHandler) delivery -> {
                            raw.computeIfAbsent(topic, t -> new ArrayList<>())
                                    .add(new String(delivery.body(), StandardCharsets.UTF_8));
                            delivery.ack();
                        });
                reader.start();
                rawReaders.add(reader);
            }

            ProducerTemplate template = context.createProducerTemplate();
            Map<String, Map<String, JsonNode>> published = new HashMap<>();
            for (String topic : List.of(zipped, secret)) {
                for (int i = 0; i < 10; i++) {
                    Envelope event = event(i, i % 2 == 0);
                    published.computeIfAbsent(topic, t -> new HashMap<>()).put(event.getEventId(), event.getData());
                    template.sendBody("bus:" + topic, event);
                }
            }

            // the mixed topic's own setting is lz4; producers sealing otherwise, and two that cannot be opened here
            Transport mixedTransport = bus.transportFor(mixed);
            Map<String, JsonNode> mixedPublished = new HashMap<>();
            DataKeys oldOnly = DataKeys.of(Map.of("old", OLD), "old");
            DataKeys currentOnly = DataKeys.of(Map.of("current", CURRENT), "current");
            List<DataProtection> sealers = List.of(
                    new DataProtection(CODEC, DataKeys.NONE, Compression.GZIP, 0, false, 1 << 20),
                    new DataProtection(CODEC, DataKeys.NONE, Compression.LZ4, 0, false, 1 << 20),
                    new DataProtection(CODEC, DataKeys.NONE, Compression.ZSTD, 0, false, 1 << 20),
                    DataProtection.reader(CODEC, DataKeys.NONE, 1 << 20),
                    new DataProtection(CODEC, oldOnly, Compression.NONE, 0, true, 1 << 20),
                    new DataProtection(CODEC, currentOnly, Compression.ZSTD, 0, true, 1 << 20));
            for (int i = 0; i < sealers.size(); i++) {
                Envelope event = event(100 + i, true).setPublishedAt("2026-12-02T10:00:00Z");
                mixedPublished.put(event.getEventId(), event.getData());
                Envelope sealed = sealers.get(i).seal(event);
                mixedTransport.bindProducer(mixed).publish(OutboundMessages.of(sealed, CODEC.encode(sealed)));
            }
            Set<String> unopenable = new HashSet<>();
            Envelope tampered = new DataProtection(CODEC, currentOnly, Compression.NONE, 0, true, 1 << 20)
                    .seal(event(200, false).setPublishedAt("2026-12-02T10:00:00Z"));
            byte[] cipherText = Base64.getDecoder().decode(tampered.getData().asText());
            cipherText[0] ^= 1;
            tampered = tampered.withData(new TextNode(Base64.getEncoder().encodeToString(cipherText)));
            Envelope foreign = new DataProtection(CODEC, DataKeys.of(Map.of("foreign", FOREIGN), "foreign"),
                    Compression.NONE, 0, true, 1 << 20).seal(event(201, false).setPublishedAt("2026-12-02T10:00:00Z"));
            for (Envelope bad : List.of(tampered, foreign)) {
                unopenable.add(bad.getEventId());
                mixedTransport.bindProducer(mixed).publish(OutboundMessages.of(bad, CODEC.encode(bad)));
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> size(processed, zipped) == 10
                    && size(processed, secret) == 10 && size(processed, mixed) == 6 && deadLetters.size() == 2
                    && raw.getOrDefault(zipped, List.of()).size() == 10
                    && raw.getOrDefault(secret, List.of()).size() == 10);

            assertEquals(published.get(zipped), processed.get(zipped), "the gzip topic: every event, data intact");
            assertEquals(published.get(secret), processed.get(secret), "the encrypted topic: every event, data intact");
            assertEquals(mixedPublished, processed.get(mixed), "the lz4 topic read every codec and both keys");
            assertEquals(unopenable, deadLetters.keySet(), "what cannot be opened is dead-lettered, not processed");
            assertTrue(processed.get(mixed).keySet().stream().noneMatch(unopenable::contains));

            long compressed = raw.get(zipped).stream().filter(m -> m.contains("\"compression\":\"gzip\"")).count();
            assertEquals(5, compressed, "the five large events are compressed, the small ones not (threshold 1024)");
            for (String message : raw.get(secret)) {
                assertTrue(message.contains("\"encryption\":\"AES-256-GCM\",\"key_id\":\"current\""), message);
                assertTrue(message.contains("\"event_type\":\"payment_captured\""), "routing fields stay readable");
                assertFalse(message.contains(SECRET_WORD), "the broker never holds the data in the clear: " + message);
            }
            String tamperedReason = deadLetters.get(tampered.getEventId()).getMetadata().get("last_error").toString();
            assertEquals("data: cannot be decrypted with key \"current\": authentication failed (the data, event_id or "
                    + "event_type was altered, or another key of that id encrypted it)", tamperedReason);
            assertTrue(deadLetters.get(foreign.getEventId()).getMetadata().get("last_error").toString()
                    .startsWith("data: encrypted with key \"foreign\", which is not configured here"));
            assertEquals("invalid_event", deadLetters.get(foreign.getEventId()).getEventType());
        } finally {
            rawReaders.forEach(TransportConsumer::stop);
            context.stop();
        }
    }

    private static int size(Map<String, Map<String, JsonNode>> byTopic, String topic) {
        return byTopic.getOrDefault(topic, Map.of()).size();
    }
}
