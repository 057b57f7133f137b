package io.eventbus.transport.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.eventbus.bus.BusComponent;
import io.eventbus.transport.BrokerOutage;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Kafka transport started while nothing listens at its bootstrap address: the context starts, a memory route
 * runs, readiness is DOWN naming the address and liveness UP, a publish fails within a second or so with a
 * {@link RetryableException}. Then a broker is started on that port: readiness turns UP, the consumer (which started
 * without its topic) creates it, joins its group, and every event published from then on is processed.
 */
class KafkaStartsWithoutBrokerIT {

    @Test
    void startsWithoutTheBrokerAndAttachesWhenItComes() throws Exception {
        int port = RedisService.freePort();
        String address = "127.0.0.1:" + port;
        String topic = "nobroker." + UUID.randomUUID().toString().substring(0, 8);
        BrokerOutage outage = new BrokerOutage();
        CamelContext context = outage.start("kafka", topic, Map.of("eventbus.kafka.bootstrap-servers", address,
                "eventbus.kafka.consumer.session.timeout.ms", "3000", "eventbus.kafka.consumer.heartbeat.interval.ms",
                "500"));
        EmbeddedKafkaKraftBroker broker = null;
        try {
            ProducerTemplate template = context.createProducerTemplate();
            outage.assertMemoryRouteRuns(template, 20);
            BrokerOutage.assertDown(context, "kafka", address);
            BrokerOutage.assertPublishFailsFast(template, topic, address, 3000);

            broker = KafkaTestBroker.start(port);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertEquals(HealthCheck.State.UP,
                            BrokerOutage.readiness(context, "eventbus-transport-kafka").getState()));
            // the consumer created the topic and joined its group: a member holds its partitions (until the
            // member's next try creates the topic, a second after the broker is up, the stats have no group at all)
            KafkaTransport kafka = (KafkaTransport) context.getComponent("bus", BusComponent.class)
                    .transportFor(topic);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertEquals(List.of(1), kafka.stats(topic, Set.of("g")).groups().stream()
                            .map(TopicStats.GroupStats::consumers).toList(), "members of group g"));
            BrokerOutage.awaitProcessed(BrokerOutage.publish(template, topic, 200), outage.processed);
        } finally {
            context.stop();
            if (broker != null) {
                broker.destroy();
            }
        }
    }
}
