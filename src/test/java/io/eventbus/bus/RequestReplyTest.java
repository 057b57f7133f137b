package io.eventbus.bus;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.ConsumerBinding;
import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.FatalException;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportConsumer;
import io.eventbus.transport.TransportHealth;
import io.eventbus.transport.TransportProducer;
import io.eventbus.transport.memory.MemoryTransport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request-reply through {@code bus:} on the in-memory transport, and the error of a transport without it. */
class RequestReplyTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CamelContext context;
    private ProducerTemplate template;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    private void start(Map<String, String> properties) throws Exception {
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?group=book").routeId("order-book").process(e -> {
                    Envelope order = e.getIn().getBody(Envelope.class);
                    if (order.getData().path("hang").asBoolean()) {
                        Thread.sleep(1500);
                    }
                    e.getMessage().setBody(Map.of("status", "accepted", "symbol", order.getData().get("symbol").asText()));
                });
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @Test
    void theReplyingRoutesResultComesBackAsTheReplyEnvelope() throws Exception {
        start(Map.of());
        Envelope order = Envelope.create("place_order", "trader", MAPPER.createObjectNode().put("symbol", "AAPL"));
        order.setTraceId("trace-1");

        Envelope reply = template.requestBody("bus:orders", order, Envelope.class);

        assertEquals("place_order_reply", reply.getEventType());
        assertEquals("accepted", reply.getData().get("status").asText());
        assertEquals("AAPL", reply.getData().get("symbol").asText());
        assertEquals(order.getEventId(), reply.getCorrelationId(), "correlation_id defaults to the request's event_id");
        assertEquals(order.getEventId(), reply.getParentEventId());
        assertEquals("trace-1", reply.getTraceId());
    }

    @Test
    void noReplyWithinTheRequestTimeoutFailsTheCallerWithATimeout() throws Exception {
        start(Map.of());
        Envelope order = Envelope.create("place_order", "trader",
                MAPPER.createObjectNode().put("symbol", "MSFT").put("hang", true));
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> template.requestBody("bus:orders?requestTimeout=200", order));
        ExchangeTimedOutException timeout = assertInstanceOf(ExchangeTimedOutException.class, failure.getCause());
        assertTrue(timeout.getMessage().contains("no reply to place_order request " + order.getEventId()
                + " (correlation_id " + order.getEventId() + ") on bus:orders within 200 ms (requestTimeout)"),
                timeout.getMessage());
    }

    @Test
    void aTransportWithoutRequestReplySaysSo() throws Exception {
        context = new DefaultCamelContext();
        Transport plain = new MemoryTransport(context, 10, 10);
        context.getRegistry().bind("eventbus-transport-plain", (Transport) new TransportWithoutRequestReply(plain));
        Properties props = new Properties();
        props.put("eventbus.transport", "plain");
        context.getPropertiesComponent().setInitialProperties(props);
        context.start();
        template = context.createProducerTemplate();
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> template.requestBody("bus:orders?eventType=place_order", Map.of("symbol", "IBM")));
        FatalException cause = assertInstanceOf(FatalException.class, failure.getCause());
        assertEquals("cannot send a request to bus:orders: transport plain does not support request-reply",
                cause.getMessage());
    }

    /** A transport that publishes and consumes but has no request-reply. */
    private record TransportWithoutRequestReply(Transport delegate) implements Transport {
        @Override
        public String name() {
            return "plain";
        }

        @Override
        public TransportProducer bindProducer(String topic) {
            return delegate.bindProducer(topic);
        }

        @Override
        public TransportConsumer bindConsumer(String topic, ConsumerBinding binding, DeliveryHandler handler) {
            return delegate.bindConsumer(topic, binding, handler);
        }

        @Override
        public TopicStats stats(String topic, Set<String> groups) throws Exception {
            return delegate.stats(topic, groups);
        }

        @Override
        public TransportHealth health() {
            return delegate.health();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
