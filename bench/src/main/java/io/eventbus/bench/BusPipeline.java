package io.eventbus.bench;

import java.util.Properties;
import java.util.function.IntConsumer;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;

/**
 * The bus's row over any transport: a {@code bus:} route consuming the topic with the given concurrency (the event
 * reaches the route as an {@link Envelope}, parsed and validated by the bus), and publishers sending each envelope
 * through the asynchronous {@code bus:} producer ({@link AsyncSender}) with up to {@code maxInFlight} publishes
 * awaiting the broker's confirmation. The bus acknowledges or commits an event after the route (at-least-once).
 */
final class BusPipeline implements EventPipeline {

    /** Something a transport needs done around a run, given the topic and the consumer group. */
    @FunctionalInterface
    interface TopicHook {
        TopicHook NONE = (topic, group) -> { };

        void run(String topic, String group) throws Exception;
    }

    private final String label;
    private final Properties transport;
    private final int concurrency;
    private final int publishers;
    private final int maxInFlight;
    private final TopicHook ready;
    private final TopicHook cleanUp;
    private CamelContext context;
    private AsyncSender sender;
    private String topic;
    private String group;

    /**
     * @param transport   the {@code eventbus.*} properties of the transport
     * @param concurrency the consumer route's {@code concurrency}
     * @param ready       waits, once the route started, until its consumer receives (Kafka: the group has partitions)
     * @param cleanUp     deletes what the run left on the broker
     */
    BusPipeline(String label, Properties transport, int concurrency, int publishers, int maxInFlight,
            TopicHook ready, TopicHook cleanUp) {
        this.label = label;
        this.transport = transport;
        this.concurrency = concurrency;
        this.publishers = publishers;
        this.maxInFlight = maxInFlight;
        this.ready = ready;
        this.cleanUp = cleanUp;
    }

    @Override
    public String key() {
        return Benchmark.BUS;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public int publishers() {
        return publishers;
    }

    @Override
    public void start(String topic, IntConsumer processed) throws Exception {
        this.topic = topic;
        // a group per run: a member of an earlier run's group never delays this one's assignment
        this.group = "bench-" + topic;
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(transport);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=" + group + "&concurrency=" + concurrency).routeId("bench-consumer")
                        .process(e -> processed.accept(e.getIn().getBody(Envelope.class).getData().get("seq")
                                .asInt()));
            }
        });
        context.start();
        ready.run(topic, group);
        // resolved once, as a route's to() is
        sender = new AsyncSender(context, "bus:" + topic, maxInFlight);
    }

    @Override
    public void publish(int seq, Envelope event, Runnable confirmed) throws InterruptedException {
        sender.send(event, confirmed);
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
        } finally {
            if (topic != null) {
                cleanUp.run(topic, group);
            }
        }
    }
}
