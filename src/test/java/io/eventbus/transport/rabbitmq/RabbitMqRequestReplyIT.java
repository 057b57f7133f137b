package io.eventbus.transport.rabbitmq;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request-reply over RabbitMQ's direct reply-to, through {@code bus:} endpoints on both sides. */
class RabbitMqRequestReplyIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PREFIX = "rr-";

    private CamelContext context;
    private ProducerTemplate template;
    private String topic;

    @BeforeEach
    void start() throws Exception {
        topic = PREFIX + UUID.randomUUID().toString().substring(0, 8) + ".quotes";
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the replying side is an ordinary route: its result body is the reply
                from("bus:" + topic + "?group=book&concurrency=4").routeId("order-book")
                        .process(e -> {
                            Envelope request = e.getIn().getBody(Envelope.class);
                            if (request.getData().path("slow").asBoolean()) {
                                Thread.sleep(3000);
                            }
                            ObjectNode answer = MAPPER.createObjectNode();
                            answer.put("n", request.getData().get("n").asInt());
                            answer.put("doubled", request.getData().get("n").asInt() * 2);
                            e.getMessage().setBody(answer);
                        });
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        RabbitMqTestBroker.deleteAll(PREFIX);
    }

    @Test
    void repliesAreMatchedToTheirRequestsUnderFiftyConcurrentCallers() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(50);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int caller = c;
                results.add(callers.submit(() -> {
                    List<String> mismatches = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        int n = caller * 1000 + i;
                        Envelope request = Envelope.create("get_quote", "rr-test", MAPPER.createObjectNode().put("n", n));
                        Envelope reply = template.requestBody("bus:" + topic + "?requestTimeout=20000", request,
                                Envelope.class);
                        if (reply.getData().get("n").asInt() != n || reply.getData().get("doubled").asInt() != 2 * n
                                || !request.getEventId().equals(reply.getCorrelationId())
                                || !request.getEventId().equals(reply.getParentEventId())
                                || !"get_quote_reply".equals(reply.getEventType())) {
                            mismatches.add("request " + n + " got " + reply);
                        }
                    }
                    return mismatches;
                }));
            }
            List<String> mismatches = new ArrayList<>();
            for (Future<List<String>> result : results) {
                mismatches.addAll(result.get(3, TimeUnit.MINUTES));
            }
            assertEquals(List.of(), mismatches, "every reply answers its own request");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aRequestWithoutAReplyInTimeFailsWithAClearTimeout() {
        Envelope request = Envelope.create("get_quote", "rr-test",
                MAPPER.createObjectNode().put("n", 7).put("slow", true));
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> template.requestBody("bus:" + topic + "?exchangePattern=InOut&requestTimeout=500", request));
        ExchangeTimedOutException timeout = assertInstanceOf(ExchangeTimedOutException.class, failure.getCause());
        assertTrue(timeout.getMessage().contains("no reply to get_quote request " + request.getEventId()),
                timeout.getMessage());
        assertTrue(timeout.getMessage().contains("within 500 ms (requestTimeout)"), timeout.getMessage());
    }

    @Test
    void aRouteSendsARequestWithExchangePatternInOutAndGetsTheReplyAsItsBody() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ask").routeId("asker")
                        .setHeader(BusConstants.EVENT_TYPE, constant("get_quote"))
                        .to("bus:" + topic + "?exchangePattern=InOut&requestTimeout=20000");
            }
        });
        Envelope reply = template.requestBody("direct:ask", MAPPER.createObjectNode().put("n", 21), Envelope.class);
        assertEquals(42, reply.getData().get("doubled").asInt());
    }
}
