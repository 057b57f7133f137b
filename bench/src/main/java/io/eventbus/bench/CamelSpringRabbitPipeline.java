package io.eventbus.bench;

import java.net.URI;
import java.util.List;
import java.util.function.IntConsumer;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import io.eventbus.envelope.Envelope;

/**
 * Peer (b) of the RabbitMQ benchmark: the bus's route on plain camel-spring-rabbitmq 4.14.0 endpoints, on a Spring
 * AMQP {@link CachingConnectionFactory} with publisher confirms (as many cached channels as the bus's transport
 * gets).
 * <p>
 * Publish: {@code to("spring-rabbitmq:<exchange>?routingKey=...&confirm=enabled")} from
 * {@value RabbitMqBenchmark#PRODUCERS} threads; the component sends each message on a scoped channel and waits for its
 * confirm before it returns ({@code waitForConfirms}), so each thread has one publish in flight. Messages are
 * persistent (Spring AMQP's default delivery mode); not mandatory (the component has no such option; the queue is
 * bound before the first publish, so every message is routed).
 * <p>
 * Consume: {@code from("spring-rabbitmq:<exchange>?queues=...&exchangeType=topic&acknowledgeMode=AUTO&prefetchCount=
 * 250")}, the queue declared durable and classic v2 through the endpoint's queue arguments; one consumer (the
 * direct listener container's default). AUTO, as Spring AMQP does it: the container acknowledges a message once the
 * listener returns, and the route runs inside the listener (synchronously, camel-spring-rabbitmq's default), so the
 * ack comes after the route: at-least-once, as the bus. It acknowledges each message on its own (the endpoint does not
 * expose the container's {@code messagesPerAck}).
 */
final class CamelSpringRabbitPipeline implements EventPipeline {

    static final String KEY = "camel-spring-rabbitmq";

    private CachingConnectionFactory connections;
    private CamelContext context;
    private AsyncSender sender;
    private String exchange;
    private String queue;

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String label() {
        return "camel-spring-rabbitmq route, confirms, AUTO ack after the route";
    }

    @Override
    public int publishers() {
        return RabbitMqBenchmark.PRODUCERS;
    }

    @Override
    public void start(String topic, IntConsumer processed) throws Exception {
        exchange = topic;
        queue = topic + ".camel";
        connections = new CachingConnectionFactory(URI.create(RabbitMqBenchmark.URI));
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        connections.setChannelCacheSize(RabbitMqBenchmark.PRODUCERS * 4);
        context = new DefaultCamelContext();
        SpringRabbitMQComponent component = new SpringRabbitMQComponent();
        component.setConnectionFactory(connections);
        context.addComponent("spring-rabbitmq", component);
        SpringRabbitMQEndpoint consumer = context.getEndpoint("spring-rabbitmq:" + exchange + "?queues=" + queue
                + "&routingKey=" + topic + "&exchangeType=topic&acknowledgeMode=AUTO&prefetchCount="
                + RabbitMqBenchmark.PREFETCH + "&arg.queue.durable=true", SpringRabbitMQEndpoint.class);
        // RabbitMQ wants the queue version as a number; a URI's arg.queue.x-queue-version=2 arrives as a string
        consumer.getArgs().put("queue.x-queue-version", 2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(consumer).routeId("camel-spring-rabbitmq-consumer")
                        .process(e -> processed.accept(EnvelopeJson.seqOf(e.getIn().getBody(byte[].class))));
            }
        });
        // the consumer's start declares the exchange, the queue and the binding
        context.start();
        sender = new AsyncSender(context, "spring-rabbitmq:" + exchange + "?routingKey=" + topic + "&confirm=enabled",
                RabbitMqBenchmark.PRODUCERS * RabbitMqBenchmark.CONFIRM_WINDOW);
    }

    @Override
    public void publish(int seq, Envelope event, Runnable confirmed) throws InterruptedException {
        sender.send(EnvelopeJson.write(event), confirmed);
    }

    @Override
    public void awaitConfirmed() throws Exception {
        sender.awaitConfirmed();
    }

    @Override
    public void close() throws Exception {
        try {
            if (sender != null) {
                sender.close();
            }
            if (context != null) {
                context.stop();
            }
            if (connections != null) {
                connections.destroy();
            }
        } finally {
            if (exchange != null) {
                RabbitMqBenchmark.deleteAll(exchange, List.of(queue));
            }
        }
    }
}
