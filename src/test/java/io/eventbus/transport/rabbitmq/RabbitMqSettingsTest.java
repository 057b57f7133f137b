package io.eventbus.transport.rabbitmq;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.Queue;

import io.eventbus.transport.EventBusProperties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RabbitMQ transport's settings and topology as read from configuration: defaults, names, precise errors. */
class RabbitMqSettingsTest {

    private static EventBusProperties properties(Map<String, String> values) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(values);
        context.getPropertiesComponent().setInitialProperties(props);
        return new EventBusProperties(context);
    }

    private static RabbitMqSettings settings(Map<String, String> values) {
        return RabbitMqSettings.from(properties(values));
    }

    private static String error(Map<String, String> values) {
        return assertThrows(IllegalArgumentException.class, () -> {
            EventBusProperties properties = properties(values);
            RabbitMqTopology.from(properties, RabbitMqSettings.from(properties));
        }).getMessage();
    }

    /**
     * What reaches the RabbitMQ client: TLS for amqps:// (the JVM's trust store, host names checked), the port 5671,
     * the credentials of the settings over the URI's. No test runs a TLS listener: the machine's broker is shared
     * and is not reconfigured, so this is how TLS is checked for RabbitMQ.
     */
    @Test
    void amqpsGivesTheClientTlsAndTheCredentialsOfTheSettings() throws Exception {
        com.rabbitmq.client.ConnectionFactory tls = RabbitMqTransport.connectionFactory(settings(Map.of(
                "eventbus.rabbitmq.uri", "amqps://app:uri-pass@rabbit.internal/prod",
                "eventbus.rabbitmq.password", "settings-pass"))).getRabbitConnectionFactory();
        assertTrue(tls.isSSL(), "amqps:// speaks TLS");
        assertEquals(5671, tls.getPort());
        assertEquals("rabbit.internal", tls.getHost());
        assertEquals("app", tls.getUsername());
        assertEquals("settings-pass", tls.getPassword());
        assertEquals("prod", tls.getVirtualHost());
        com.rabbitmq.client.ConnectionFactory forced = RabbitMqTransport.connectionFactory(settings(Map.of(
                "eventbus.rabbitmq.uri", "amqp://app:p@127.0.0.1:5671", "eventbus.rabbitmq.tls", "true")))
                .getRabbitConnectionFactory();
        assertTrue(forced.isSSL(), "eventbus.rabbitmq.tls = true");
        assertFalse(RabbitMqTransport.connectionFactory(settings(Map.of())).getRabbitConnectionFactory().isSSL());
    }

    @Test
    void defaultsConnectToTheLocalBrokerWithClassicQueuesAndExactRedeliveryCounts() {
        RabbitMqSettings settings = settings(Map.of());
        assertEquals("amqp://guest:guest@127.0.0.1:5672", settings.uri());
        assertEquals(RabbitMqSettings.QueueType.CLASSIC, settings.queueType());
        assertEquals(RabbitMqSettings.Redelivery.REPUBLISH, settings.redelivery());
        assertEquals(250, settings.prefetch());
        assertEquals(1, settings.ackBatch());
        assertEquals(1000, settings.maxInFlight());
        assertFalse(settings.tls());
        assertTrue(settings.retainedTopics().contains("processing.failed"));
    }

    @Test
    void neitherTheAddressNorToStringShowsThePassword() {
        RabbitMqSettings settings = settings(Map.of("eventbus.rabbitmq.uri", "amqps://app:s3cret@127.0.0.1/prod",
                "eventbus.rabbitmq.password", "0ther-s3cret"));
        assertEquals("amqps://127.0.0.1:5671 vhost prod", settings.address());
        assertTrue(settings.tls(), "amqps implies TLS");
        assertFalse(settings.toString().contains("s3cret"), settings.toString());
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals("eventbus.rabbitmq.uri: expected an amqp:// or amqps:// URI but was \"http://u:***@127.0.0.1\"",
                error(Map.of("eventbus.rabbitmq.uri", "http://u:pw@127.0.0.1")));
        assertEquals("eventbus.rabbitmq.queue-type: expected one of classic, quorum but was \"stream\"",
                error(Map.of("eventbus.rabbitmq.queue-type", "stream")));
        assertEquals("eventbus.rabbitmq.max-priority: quorum queues have no priorities; use "
                + "eventbus.rabbitmq.queue-type=classic or max-priority=0",
                error(Map.of("eventbus.rabbitmq.queue-type", "quorum", "eventbus.rabbitmq.max-priority", "5")));
        assertEquals("eventbus.rabbitmq.max-priority: expected an integer between 0 and 255 but was \"300\"",
                error(Map.of("eventbus.rabbitmq.max-priority", "300")));
        assertTrue(error(Map.of("eventbus.rabbitmq.ack-batch", "10", "eventbus.rabbitmq.redelivery", "requeue"))
                .startsWith("eventbus.rabbitmq.ack-batch: multiple acknowledgements would also acknowledge"));
        assertEquals("eventbus.rabbitmq.prefetch: expected an integer between 1 and 2147483647 but was \"0\"",
                error(Map.of("eventbus.rabbitmq.prefetch", "0")));
        assertEquals("eventbus.rabbitmq.max-in-flight: expected an integer between 1 and 2147483647 but was \"0\"",
                error(Map.of("eventbus.rabbitmq.max-in-flight", "0")));
    }

    @Test
    void badTopologyNamesTheKeyAndTheItem() {
        assertEquals("eventbus.rabbitmq.topology.exchanges: expected name:type with type one of [direct, topic, "
                + "fanout, headers] but was \"trades:broadcast\"",
                error(Map.of("eventbus.rabbitmq.topology.exchanges", "trades:broadcast")));
        assertEquals("eventbus.rabbitmq.topology.bindings: \"trades -> audit\" binds queue \"audit\", which "
                + "eventbus.rabbitmq.topology.queues does not declare",
                error(Map.of("eventbus.rabbitmq.topology.exchanges", "trades:fanout",
                        "eventbus.rabbitmq.topology.bindings", "trades -> audit")));
        assertEquals("eventbus.rabbitmq.topology.bindings: expected \"exchange -> queue\" or \"exchange -> queue : "
                + "routing-key\" but was \"trades audit\"",
                error(Map.of("eventbus.rabbitmq.topology.bindings", "trades audit")));
        assertEquals("eventbus.rabbitmq.topology.queue.audit.arguments: expected name=value pairs but found "
                + "\"x-max-length\"", error(Map.of("eventbus.rabbitmq.topology.queues", "audit",
                        "eventbus.rabbitmq.topology.queue.audit.arguments", "x-max-length")));
    }

    @Test
    void aGroupGetsADurableQueueWithBrokerDeadLetteringAndARetryQueue() {
        EventBusProperties properties = properties(Map.of("eventbus.rabbitmq.max-priority", "9",
                "eventbus.rabbitmq.topology.queue.orders.billing.arguments", "x-max-length=100"));
        RabbitMqTopology topology = RabbitMqTopology.from(properties, RabbitMqSettings.from(properties));
        List<Declarable> declared = topology.forGroup("orders", "billing", List.of());

        Exchange exchange = (Exchange) declared.get(0);
        assertEquals("orders", exchange.getName());
        assertEquals("topic", exchange.getType());
        assertTrue(exchange.isDurable());
        Queue dlq = (Queue) declared.get(1);
        assertEquals("orders.billing.dlq", dlq.getName());
        Queue retry = (Queue) declared.get(2);
        assertEquals("orders.billing.retry", retry.getName());
        assertEquals(Map.of("x-queue-version", 2, "x-dead-letter-exchange", "", "x-dead-letter-routing-key",
                "orders.billing"), retry.getArguments());
        Queue queue = (Queue) declared.get(3);
        assertEquals("orders.billing", queue.getName());
        assertTrue(queue.isDurable());
        assertEquals(Map.of("x-queue-version", 2, "x-dead-letter-exchange", "", "x-dead-letter-routing-key",
                "orders.billing.dlq", "x-max-priority", 9, "x-max-length", 100), queue.getArguments());
        Binding binding = (Binding) declared.get(4);
        assertEquals("orders", binding.getExchange());
        assertEquals("orders.billing", binding.getDestination());
        assertEquals("orders", binding.getRoutingKey());
    }

    @Test
    void aTopicNamedLikeAConfiguredExchangeUsesItsTypeAndDeadLetterTopicsKeepAQueue() {
        EventBusProperties properties = properties(Map.of("eventbus.rabbitmq.topology.exchanges", "trade_events:fanout",
                "eventbus.rabbitmq.queue-type", "quorum"));
        RabbitMqTopology topology = RabbitMqTopology.from(properties, RabbitMqSettings.from(properties));
        assertEquals("fanout", topology.exchangeOf("trade_events").getType());
        List<Declarable> dlq = topology.forPublishing("orders.dlq");
        assertEquals(3, dlq.size(), "exchange, queue and binding of a dead-letter topic: " + dlq);
        assertEquals(Map.of("x-queue-type", "quorum"), ((Queue) dlq.get(1)).getArguments());
        assertEquals(1, topology.forPublishing("orders").size(), "an ordinary topic is only an exchange");
    }

    @Test
    void theQueuesTheBusDeclaresByDefaultLetTheBrokerRemoveNothingUnread() {
        EventBusProperties properties = properties(Map.of());
        RabbitMqTopology topology = RabbitMqTopology.from(properties, RabbitMqSettings.from(properties));
        List<Declarable> declared = new java.util.ArrayList<>(topology.forGroup("orders", "billing", List.of()));
        declared.addAll(topology.forPublishing("orders.dlq"));
        declared.addAll(topology.forPublishing("orders.parked"));
        for (Declarable d : declared) {
            if (d instanceof Queue queue) {
                assertNull(RabbitMqTopology.removalRisk(queue.getName(), queue.getArguments()), queue.getName());
            }
        }
    }

    @Test
    void queueArgumentsThatLetTheBrokerRemoveUnreadEventsAreNamed() {
        assertNull(RabbitMqTopology.removalRisk("trade_audit", Map.of("x-max-length", 10, "x-overflow",
                "reject-publish")), "reject-publish refuses new messages, it removes none");
        String dropped = RabbitMqTopology.removalRisk("trade_audit", Map.of("x-max-length", 10));
        assertTrue(dropped.startsWith("queue 'trade_audit': over x-max-length=10 it removes its oldest messages"),
                dropped);
        assertTrue(dropped.contains("drops them without a trace"), dropped);
        String moved = RabbitMqTopology.removalRisk("orders.billing", Map.of("x-message-ttl", 60000,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "orders.billing.dlq"));
        assertEquals("queue 'orders.billing': messages not consumed within x-message-ttl=60000 ms expire and it moves"
                + " them to its dead-letter exchange ('', routing key 'orders.billing.dlq')", moved);
        assertTrue(RabbitMqTopology.removalRisk("q", Map.of("x-expires", 1000)).contains("deleted with every message"));
    }
}
