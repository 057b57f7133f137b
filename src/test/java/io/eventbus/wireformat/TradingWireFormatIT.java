package io.eventbus.wireformat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The trading system's own plain messages on RabbitMQ, request-reply included: a plain amqp-client caller publishes
 * {@code {"action": "place_order", ...}} and {@code {"action": "get_orderbook", ...}} with its own reply queue and
 * correlation id; the order-book route sees envelopes of type {@code place_order} / {@code get_orderbook}, and its
 * result comes back to the caller as a plain object with the caller's correlation id. A message without
 * {@code action} is dead-lettered as the bytes that came.
 */
class TradingWireFormatIT {

    private static final String URI = "amqp://guest:guest@127.0.0.1:5672";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPlainCallersRequestsAreAnsweredInTheTradingSystemsOwnFormat() throws Exception {
        String topic = "wf-" + UUID.randomUUID().toString().substring(0, 8) + ".obs_requests";
        Map<String, Envelope> seen = new ConcurrentHashMap<>();
        CamelContext context = WireFormatITs.context(Map.of("eventbus.transport", "rabbitmq", "eventbus.rabbitmq.uri",
                URI), "trading", topic, topic + ".dlq");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=order-book").routeId("order-book")
                        .errorHandler(EventBusErrorHandler.deadLetterChannel())
                        .process(e -> {
                            Envelope request = e.getIn().getBody(Envelope.class);
                            seen.put(request.getEventType(), request.copy());
                            e.getMessage().setBody(request.getEventType().equals("get_orderbook")
                                    ? JSON.createObjectNode().put("symbol", request.getData().get("symbol").asText())
                                            .set("bids", JSON.createArrayNode())
                                    : JSON.createObjectNode().put("status", "ok").put("message", "Order processed"));
                        });
            }
        });
        context.start();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(URI);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            String replies = channel.queueDeclare().getQueue();
            String order = WireFormatITs.example("trading-order.json");
            String rpc = WireFormatITs.example("trading-rpc.json");
            String noAction = "{\"symbol\": \"MSFT\", \"side\": \"sell\"}";
            for (String[] call : new String[][] { { "c-order", order }, { "c-book", rpc }, { "c-none", noAction } }) {
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
                        .replyTo(replies).correlationId(call[0]).deliveryMode(2).build();
                channel.basicPublish(topic, topic, properties, call[1].getBytes(StandardCharsets.UTF_8));
            }
            Map<String, JsonNode> answers = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                GetResponse reply = channel.basicGet(replies, true);
                if (reply != null) {
                    answers.put(reply.getProps().getCorrelationId(), JSON.readTree(reply.getBody()));
                }
                return answers.size() == 2;
            });
            assertEquals(JSON.readTree("{\"action\":\"place_order_reply\",\"status\":\"ok\",\"message\":\"Order processed\"}"),
                    answers.get("c-order"));
            assertEquals(JSON.readTree("{\"action\":\"get_orderbook_reply\",\"symbol\":\"AAPL\",\"bids\":[]}"),
                    answers.get("c-book"));

            Envelope placed = seen.get("place_order");
            assertEquals("trading", placed.getSource());
            assertEquals("1.0.0", placed.getSchemaVersion());
            assertEquals("AAPL", placed.getData().get("symbol").asText());
            assertEquals(100.0, placed.getData().get("quantity").asDouble());
            assertEquals("1234567890.0", placed.getData().get("timestamp").toString());

            GetResponse[] dead = new GetResponse[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> (dead[0] = channel.basicGet(topic + ".dlq", true)) != null);
            assertEquals(noAction, new String(dead[0].getBody(), StandardCharsets.UTF_8),
                    "the message without action is dead-lettered as it came");
            assertEquals(2, seen.size(), "sent 3 = answered 2 + dead-lettered 1");
        } finally {
            context.stop();
            try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
                for (String queue : new String[] { topic + ".order-book", topic + ".order-book.dlq",
                    topic + ".order-book.retry", topic + ".dlq" }) {
                    channel.queueDelete(queue);
                }
                channel.exchangeDelete(topic);
                channel.exchangeDelete(topic + ".dlq");
            }
        }
    }
}
