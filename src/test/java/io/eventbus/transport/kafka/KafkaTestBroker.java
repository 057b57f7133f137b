package io.eventbus.transport.kafka;

import java.util.HashMap;
import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real KRaft broker (Kafka 3.9.1, spring-kafka-test's {@link EmbeddedKafkaKraftBroker}) per JVM, started on
 * first use and shared by every Kafka IT: starting a broker takes seconds, a topic per test takes milliseconds.
 * It lets groups use short session timeouts (down to 500 ms) so that a killed member's partitions move quickly,
 * and starts a group's first rebalance at once instead of waiting three seconds for more members.
 */
public final class KafkaTestBroker {

    private static EmbeddedKafkaKraftBroker broker;

    private KafkaTestBroker() {
    }

    /** The bootstrap servers of the shared broker, starting it if needed. Fails when the broker cannot start. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "kafka-test-broker-stop"));
        }
        return broker.getBrokersAsString();
    }

    /** The {@code eventbus.kafka.*} properties pointing the transport at the shared broker, with fast group timings. */
    public static Map<String, String> transportProperties() {
        Map<String, String> props = new HashMap<>();
        props.put("eventbus.transport", "kafka");
        props.put("eventbus.kafka.bootstrap-servers", bootstrapServers());
        props.put("eventbus.kafka.partitions", "4");
        props.put("eventbus.kafka.consumer.session.timeout.ms", "3000");
        props.put("eventbus.kafka.consumer.heartbeat.interval.ms", "500");
        return props;
    }

    /** A broker on the port (0: any free port), with settings for one broker and quick consumer groups. */
    static EmbeddedKafkaKraftBroker start(int port) {
        Map<String, String> settings = new HashMap<>();
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("group.min.session.timeout.ms", "500");
        settings.put("offsets.topic.num.partitions", "5");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("auto.create.topics.enable", "false");
        if (port > 0) {
            // EmbeddedKafkaKraftBroker ignores kafkaPorts(); the test kit's listeners are EXTERNAL and CONTROLLER
            settings.put("listeners", "EXTERNAL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:0");
        }
        EmbeddedKafkaKraftBroker started = new EmbeddedKafkaKraftBroker(1, 4);
        started.brokerProperties(settings);
        started.afterPropertiesSet();
        return started;
    }
}
