package io.eventbus.bench;

import java.util.function.IntConsumer;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualAsyncCommitFactory;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.eventbus.envelope.Envelope;

/**
 * Peers (b1) and (b2) of the Kafka benchmark: the bus's route on plain camel-kafka 4.14.0 endpoints. The publishers
 * send each envelope's JSON through a {@code kafka:} endpoint's asynchronous producer (the rows' producer
 * properties as endpoint options), with up to {@value KafkaBenchmark#MAX_IN_FLIGHT} sends awaiting Kafka's
 * acknowledgement, as the bus's publishers do. A {@code from("kafka:...")} route (one consumer, camel-kafka's
 * default; the route runs on its poll thread) parses each record's JSON with Jackson.
 * <p>
 * {@link Commit#MANUAL} (b1, the bus's guarantee): {@code autoCommitEnable=false&allowManualCommit=true} with the
 * asynchronous manual-commit factory; the route's last step calls {@link KafkaManualCommit#commit()}, which records
 * the offset, and camel-kafka commits a partition's recorded offset with {@code commitAsync} once the poll's records
 * of that partition have been through the route. (The default, synchronous factory would {@code commitSync} every
 * record.) {@link Commit#AUTO} (b2): camel-kafka's default, the Kafka consumer's auto-commit every 5 s, from its poll;
 * since the route runs on the poll thread, what it commits was processed, but on a stop or rebalance between two
 * auto-commits the processed records since the last one are read again.
 */
final class CamelKafkaPipeline implements EventPipeline {

    /** How the consumer route commits offsets. */
    enum Commit {
        /** After the route, through {@link KafkaManualCommit}: the bus's guarantee. */
        MANUAL,
        /** camel-kafka's default: the Kafka consumer's periodic auto-commit. */
        AUTO
    }

    private final Commit commit;
    private final int publishers;
    private CamelContext context;
    private AsyncSender sender;

    CamelKafkaPipeline(Commit commit, int publishers) {
        this.commit = commit;
        this.publishers = publishers;
    }

    @Override
    public String key() {
        return commit == Commit.MANUAL ? "camel-kafka-manual" : "camel-kafka-auto";
    }

    @Override
    public String label() {
        return commit == Commit.MANUAL ? "camel-kafka route, manual commit after the route"
                : "camel-kafka route, auto-commit (its default)";
    }

    @Override
    public int publishers() {
        return publishers;
    }

    @Override
    public void start(String topic, IntConsumer processed) throws Exception {
        KafkaBenchBroker.createTopic(topic);
        String group = key() + "-" + topic;
        String brokers = KafkaBenchBroker.bootstrap();
        context = new DefaultCamelContext();
        context.getRegistry().bind("asyncManualCommits", new DefaultKafkaManualAsyncCommitFactory());
        String consumerUri = "kafka:" + topic + "?brokers=" + brokers + "&groupId=" + group
                + "&autoOffsetReset=earliest&keyDeserializer=" + StringDeserializer.class.getName()
                + "&valueDeserializer=" + ByteArrayDeserializer.class.getName()
                + (commit == Commit.MANUAL
                        ? "&autoCommitEnable=false&allowManualCommit=true&kafkaManualCommitFactory=#asyncManualCommits"
                        : "");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                var route = from(consumerUri).routeId("camel-kafka-consumer")
                        .process(e -> processed.accept(EnvelopeJson.seqOf(e.getIn().getBody(byte[].class))));
                if (commit == Commit.MANUAL) {
                    // last, so that only a record the route has processed is committed
                    route.process(e -> e.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class)
                            .commit());
                }
            }
        });
        context.start();
        KafkaBenchBroker.awaitMembers(group);
        var producer = KafkaBenchBroker.PRODUCER;
        String producerUri = "kafka:" + topic + "?brokers=" + brokers
                + "&requestRequiredAcks=" + producer.get("acks")
                + "&enableIdempotence=" + producer.get("enable.idempotence")
                + "&compressionCodec=" + producer.get("compression.type")
                + "&lingerMs=" + producer.get("linger.ms")
                + "&producerBatchSize=" + producer.get("batch.size")
                + "&keySerializer=" + StringSerializer.class.getName()
                + "&valueSerializer=" + ByteArraySerializer.class.getName();
        sender = new AsyncSender(context, producerUri, KafkaBenchmark.MAX_IN_FLIGHT);
    }

    @Override
    public void publish(int seq, Envelope event, Runnable confirmed) throws InterruptedException {
        sender.send(EnvelopeJson.write(event), confirmed);
    }

    @Override
    public void awaitConfirmed() throws Exception {
        sender.awaitConfirmed();
    }

    @Override
    public void close() throws Exception {
        if (sender != null) {
            sender.close();
        }
        if (context != null) {
            context.stop();
        }
    }
}
