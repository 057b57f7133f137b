package io.eventbus.transport.rabbitmq;

import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

import static io.eventbus.bus.TransportContractIT.assertExactIds;
import static io.eventbus.bus.TransportContractIT.awaitIds;

/**
 * Per-message routing keys ({@code EventbusRoutingKey}) and per-group binding keys with wildcards
 * ({@code bindingKey}) over the topic exchange of a topic, against the real RabbitMQ: each group receives exactly the
 * events whose routing key its patterns match.
 */
class RabbitMqRoutingKeysIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "routing-";

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    @Test
    void eachGroupReceivesExactlyTheEventsItsBindingKeysMatch() throws Exception {
        String topic = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".orders";
        Set<String> europe = ConcurrentHashMap.newKeySet();
        Set<String> americas = ConcurrentHashMap.newKeySet();
        Set<String> audit = ConcurrentHashMap.newKeySet();
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=europe&bindingKey=orders.*.eu").routeId("europe")
                        .process(e -> europe.add(e.getIn().getHeader(BusConstants.EVENT_ID, String.class)));
                from("bus:" + topic + "?group=americas&bindingKey=orders.*.us, orders.*.ca").routeId("americas")
                        .process(e -> americas.add(e.getIn().getHeader(BusConstants.EVENT_ID, String.class)));
                from("bus:" + topic + "?group=audit&bindingKey=#").routeId("audit")
                        .process(e -> audit.add(e.getIn().getHeader(BusConstants.EVENT_ID, String.class)));
            }
        });
        context.start();
        ProducerTemplate template = context.createProducerTemplate();

        String[] regions = { "eu", "us", "ca", "asia" };
        Set<String> toEurope = new LinkedHashSet<>();
        Set<String> toAmericas = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>();
        for (int n = 0; n < 80; n++) {
            String region = regions[n % regions.length];
            Envelope order = Envelope.create("order_placed", "routing-test", MAPPER.createObjectNode().put("n", n));
            template.sendBodyAndHeader("bus:" + topic, order, BusConstants.ROUTING_KEY, "orders." + n + "." + region);
            all.add(order.getEventId());
            (region.equals("eu") ? toEurope : region.equals("asia") ? new LinkedHashSet<String>() : toAmericas)
                    .add(order.getEventId());
        }
        // without the header the routing key is the topic: only the group bound with '#' matches it
        for (int n = 0; n < 5; n++) {
            Envelope order = Envelope.create("order_placed", "routing-test", MAPPER.createObjectNode().put("n", n));
            template.sendBody("bus:" + topic, order);
            all.add(order.getEventId());
        }

        awaitIds(all, audit, "received by the group bound with #");
        awaitIds(toEurope, europe, "received by the group bound with orders.*.eu");
        awaitIds(toAmericas, americas, "received by the group bound with orders.*.us and orders.*.ca");
        Thread.sleep(300);
        assertExactIds(toEurope, europe, "orders.*.eu after settling");
        assertExactIds(toAmericas, americas, "orders.*.us, orders.*.ca after settling");
        assertExactIds(all, audit, "# after settling");
    }
}
