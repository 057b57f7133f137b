package io.eventbus.bus;

import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An endpoint option a transport would ignore fails the route's start, naming the transport, the option and the
 * endpoint: {@code priority} and {@code bindingKey} on the memory, Redis and Kafka transports. No broker is needed:
 * the transports are created pointing at a closed port, and the refusal comes before anything connects.
 */
class UnhonouredOptionsTest {

    private static final Map<String, Map<String, String>> TRANSPORTS = Map.of(
            "memory", Map.of("eventbus.transport", "memory"),
            "redis", Map.of("eventbus.transport", "redis", "eventbus.redis.uri", "redis://127.0.0.1:1"),
            "kafka", Map.of("eventbus.transport", "kafka", "eventbus.kafka.bootstrap-servers", "127.0.0.1:1"));

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "memory", "redis", "kafka" })
    void aRoutePublishingWithPriorityFailsToStart(String transport) {
        String reason = refusal(transport, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").routeId("prioritised").to("bus:orders?priority=5");
            }
        });
        assertEquals("the " + transport + " transport does not honour priority (option priority on bus:orders); "
                + "remove it, or carry the topic on a transport that does (rabbitmq: "
                + "eventbus.topics.orders.transport=rabbitmq)", reason);
    }

    @ParameterizedTest
    @ValueSource(strings = { "memory", "redis", "kafka" })
    void aRouteConsumingWithABindingKeyFailsToStart(String transport) {
        String reason = refusal(transport, new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?group=eu&bindingKey=orders.*.eu").routeId("eu-orders").log("${body}");
            }
        });
        assertEquals("the " + transport + " transport does not honour bindingKey (option bindingKey on bus:orders); "
                + "remove it, or carry the topic on a transport that does (rabbitmq: "
                + "eventbus.topics.orders.transport=rabbitmq)", reason);
    }

    @Test
    void aPriorityOutsideZeroTo255IsRefusedNamingTheOption() {
        String reason = refusal("memory", new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:orders").to("bus:orders?priority=256");
            }
        });
        assertEquals("priority must be between 0 and 255 but was 256", reason);
    }

    /** Starts a context on the transport with the route and returns why it failed to start. */
    private String refusal(String transport, RouteBuilder routes) {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(TRANSPORTS.get(transport));
        context.getPropertiesComponent().setInitialProperties(props);
        Exception failure = assertThrows(Exception.class, () -> {
            context.addRoutes(routes);
            context.start();
        });
        Throwable cause = failure;
        while (!(cause instanceof IllegalArgumentException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof IllegalArgumentException, "refused with " + failure);
        return cause.getMessage();
    }
}
