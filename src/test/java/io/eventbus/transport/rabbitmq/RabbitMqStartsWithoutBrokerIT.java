package io.eventbus.transport.rabbitmq;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.transport.BrokerOutage;
import io.eventbus.transport.RetryableException;
import io.eventbus.transport.TcpForwarder;
import io.eventbus.transport.redis.RedisService;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RabbitMQ transport started while nothing listens at its address: the context starts, a memory route runs,
 * readiness is DOWN naming the address and liveness UP, a publish fails at once with a {@link RetryableException}.
 * Then the broker "comes up" at that address (a forwarder to the shared broker, which other tests use and so cannot
 * be stopped): readiness turns UP, the consumer attaches and every event published from then on is processed.
 */
class RabbitMqStartsWithoutBrokerIT {

    private static final String PREFIX = "it.nobroker.";

    private CamelContext context;
    private TcpForwarder broker;

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (broker != null) {
            broker.close();
        }
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    @Test
    void startsWithoutTheBrokerAndAttachesWhenItComes() throws Exception {
        int port = RedisService.freePort();
        String address = "127.0.0.1:" + port;
        String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8);
        BrokerOutage outage = new BrokerOutage();
        context = outage.start("rabbitmq", topic, Map.of("eventbus.rabbitmq.uri", "amqp://guest:guest@" + address));
        ProducerTemplate template = context.createProducerTemplate();

        outage.assertMemoryRouteRuns(template, 20);
        BrokerOutage.assertDown(context, "rabbitmq", address);
        BrokerOutage.assertPublishFailsFast(template, topic, address, 2000);

        broker = TcpForwarder.start(port, 5672);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HealthCheck.Result up = BrokerOutage.readiness(context, "eventbus-transport-rabbitmq");
            assertEquals(HealthCheck.State.UP, up.getState(), "" + up.getMessage());
            // the consumer attached: its queue has it
            assertTrue(String.valueOf(up.getDetails().get("queues")).contains("consumers=1"), "" + up.getDetails());
        });
        BrokerOutage.awaitProcessed(BrokerOutage.publish(template, topic, 200), outage.processed);
    }
}
