package io.eventbus.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import io.eventbus.transport.kafka.KafkaTestBroker;

/**
 * The broker every Kafka row uses and the settings they share: {@code EVENTBUS_KAFKA_BOOTSTRAP_SERVERS} when set
 * (e.g. {@code scripts/kafka-broker}), else an in-JVM KRaft broker; 4-partition topics; the producer properties
 * of every row (idempotent, {@code acks=all}, lz4, {@code linger.ms=0} as the transport's default,
 * {@code batch.size=65536}).
 */
final class KafkaBenchBroker {

    static final int PARTITIONS = 4;
    static final Map<String, String> PRODUCER = Map.of("acks", "all", "enable.idempotence", "true",
            "compression.type", "lz4", "linger.ms", "0", "batch.size", "65536");
    static final String EXTERNAL = System.getenv("EVENTBUS_KAFKA_BOOTSTRAP_SERVERS");

    private static Admin admin;

    private KafkaBenchBroker() {
    }

    static boolean external() {
        return EXTERNAL != null && !EXTERNAL.isBlank();
    }

    static String bootstrap() {
        return external() ? EXTERNAL : KafkaTestBroker.bootstrapServers();
    }

    static synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of("bootstrap.servers", bootstrap()));
        }
        return admin;
    }

    static void createTopic(String topic) throws Exception {
        admin().createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /** Waits until the group has a member with partitions, so that every row starts publishing to a ready group. */
    static void awaitMembers(String group) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                var description = admin().describeConsumerGroups(List.of(group)).all().get().get(group);
                if (description.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // the group does not exist yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("consumer group " + group + " got no partitions within 60 s");
    }
}
