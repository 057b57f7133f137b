package io.eventbus.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.eventbus.envelope.Envelope;

/**
 * Peer (a) of the Kafka benchmark: an application on kafka-clients alone carrying the same envelopes, with the bus's
 * guarantee. Its publishers share one {@link KafkaProducer} (the rows' producer properties), writing each envelope to
 * JSON as they send it, without a window of their own (the producer's buffer is the only limit). One consumer
 * thread, auto-commit off, polls, parses each record's JSON, and only after the poll's records were all processed
 * commits their offsets with {@code commitAsync}: at-least-once, as the bus. A failed asynchronous commit is left to
 * the next one, as such an application does.
 */
final class KafkaClientsPipeline implements EventPipeline {

    private final int publishers;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean consuming = true;
    private Thread consumer;
    private KafkaProducer<String, byte[]> producer;
    private String topic;

    KafkaClientsPipeline(int publishers) {
        this.publishers = publishers;
    }

    @Override
    public String key() {
        return "kafka-clients";
    }

    @Override
    public String label() {
        return "kafka-clients app, Jackson, commitAsync per poll";
    }

    @Override
    public int publishers() {
        return publishers;
    }

    @Override
    public void start(String topic, IntConsumer processed) throws Exception {
        this.topic = topic;
        KafkaBenchBroker.createTopic(topic);
        String group = "clients-" + topic;
        Map<String, Object> consumerProps = Map.of("bootstrap.servers", KafkaBenchBroker.bootstrap(),
                "group.id", group, "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName());
        // a KafkaConsumer takes calls from one thread only: it lives, polls and closes on this one
        consumer = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> client = new KafkaConsumer<>(consumerProps)) {
                client.subscribe(List.of(topic));
                while (consuming) {
                    ConsumerRecords<String, byte[]> records = client.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<String, byte[]> record : records) {
                        processed.accept(EnvelopeJson.seqOf(record.value()));
                    }
                    if (!records.isEmpty()) {
                        client.commitAsync();
                    }
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "kafka-clients-consumer");
        consumer.start();
        KafkaBenchBroker.awaitMembers(group);
        Map<String, Object> producerProps = new HashMap<>(KafkaBenchBroker.PRODUCER);
        producerProps.put("bootstrap.servers", KafkaBenchBroker.bootstrap());
        producerProps.put("key.serializer", StringSerializer.class.getName());
        producerProps.put("value.serializer", ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(producerProps);
    }

    @Override
    public void publish(int seq, Envelope event, Runnable confirmed) {
        producer.send(new ProducerRecord<>(topic, event.getKey(), EnvelopeJson.write(event)), (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                confirmed.run();
            }
        });
    }

    @Override
    public void awaitConfirmed() throws Exception {
        producer.flush();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() throws Exception {
        consuming = false;
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (consumer != null) {
            consumer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
