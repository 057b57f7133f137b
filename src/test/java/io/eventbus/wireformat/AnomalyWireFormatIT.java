package io.eventbus.wireformat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.kafka.KafkaTestBroker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The anomaly-detection platform's own queue messages (a body with headers) on Kafka, sent by a plain kafka-clients
 * producer: the route sees the body as {@code data} and the headers as {@code metadata}; its result is written in the
 * platform's format, and a request it cannot serve is dead-lettered as the message that came with only its headers
 * gaining the failure ({@code last_error}, ...).
 */
class AnomalyWireFormatIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void requestsAreReadFromTheirBodyAndHeadersAndResultsWrittenAsMessages() throws Exception {
        String requests = "wf-" + UUID.randomUUID().toString().substring(0, 8) + ".anomaly_detection";
        String results = requests + "_results";
        String bootstrap = KafkaTestBroker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(requests, 4, (short) 1))).all().get();
        }
        Map<String, Envelope> seen = new ConcurrentHashMap<>();
        // the platform reads its failures itself: its dead-letter topic in its own format too
        CamelContext context = WireFormatITs.context(KafkaTestBroker.transportProperties(), "anomaly", requests, results,
                requests + ".dlq");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + requests + "?group=anomaly-detector").routeId("detector")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel())
                        .process(e -> {
                            Envelope request = e.getIn().getBody(Envelope.class);
                            seen.put(request.getEventId(), request.copy());
                            String algorithm = request.getData().path("algorithm").asText();
                            if (!algorithm.equals("zscore")) {
                                throw new FatalException("unsupported \"" + algorithm + "\"");
                            }
                            e.getIn().setBody(request.derive("anomaly_detection_result", JSON.createObjectNode()
                                    .put("dataset", request.getData().get("dataset").asText()).put("anomaly_count", 1)));
                        })
                        .to("bus:" + results);
            }
        });
        context.start();
        try {
            String example = WireFormatITs.example("anomaly.json");
            String zscore = example.replace("5f0c3a7e-8b1d-4c2a-9e6f-1a2b3c4d5e6f", "an-2")
                    .replace("isolation_forest", "zscore");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                for (String message : List.of(example, zscore)) {
                    producer.send(new ProducerRecord<>(requests, message.getBytes(StandardCharsets.UTF_8))).get();
                }
            }
            List<String> dead = read(bootstrap, requests + ".dlq", 1);
            List<String> written = read(bootstrap, results, 1);

            Envelope request = seen.get("5f0c3a7e-8b1d-4c2a-9e6f-1a2b3c4d5e6f");
            assertEquals("anomaly_detection", request.getEventType());
            assertEquals("2025-11-28T10:00:00Z", request.getPublishedAt());
            assertEquals("sensor_data", request.getData().get("dataset").asText());
            assertEquals("2025-11-28T10:00:00.000001", request.getMetadata().get("processed_at"));

            ObjectNode deadLetter = (ObjectNode) JSON.readTree(dead.get(0));
            ObjectNode headers = (ObjectNode) deadLetter.remove("headers");
            ObjectNode original = (ObjectNode) JSON.readTree(example);
            ObjectNode originalHeaders = (ObjectNode) original.remove("headers");
            assertEquals(original, deadLetter, "the dead letter is the message as it came, but for its headers");
            assertEquals("unsupported \"isolation_forest\"", headers.get("last_error").asText());
            assertEquals(originalHeaders.get("processed_at"), headers.get("processed_at"));

            JsonNode result = JSON.readTree(written.get(0));
            List<String> names = new ArrayList<>();
            result.fieldNames().forEachRemaining(names::add);
            assertEquals(List.of("id", "queue_name", "timestamp", "retry_count", "headers", "body"), names);
            assertEquals("anomaly_detection_result", result.get("queue_name").asText());
            assertEquals(JSON.readTree("{\"dataset\":\"sensor_data\",\"anomaly_count\":1}"), result.get("body"));
            assertEquals(Set.of("5f0c3a7e-8b1d-4c2a-9e6f-1a2b3c4d5e6f", "an-2"), seen.keySet(),
                    "published 2 = processed 1 + dead-lettered 1");
        } finally {
            context.stop();
        }
    }

    private static List<String> read(String bootstrap, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "wf-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.subscribe(List.of(topic));
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
                return values.size() >= count;
            });
        }
        assertEquals(count, values.size(), topic);
        return values;
    }
}
