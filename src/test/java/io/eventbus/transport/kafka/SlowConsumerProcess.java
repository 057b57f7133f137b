package io.eventbus.transport.kafka;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.bus.BusConstants;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.RetryableException;

/**
 * A consumer in its own JVM, for the ITs to kill with SIGKILL: consumes {@code bus:<topic>?group=<group>} over
 * Kafka at {@code <bootstrap>} and runs until killed. Mode {@code slow} takes 10 ms per event and prints
 * {@code processed <event_id>} once each event's work is done; mode {@code failing} fails every delivery (redelivered
 * after 600 ms, no delivery limit) and prints {@code delivery <event_id> <delivery count>}.
 */
public final class SlowConsumerProcess {

    private SlowConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        boolean failing = args.length > 3 && args[3].equals("failing");
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "kafka");
        props.put("eventbus.kafka.bootstrap-servers", bootstrap);
        props.put("eventbus.kafka.consumer.session.timeout.ms", "3000");
        props.put("eventbus.kafka.consumer.heartbeat.interval.ms", "500");
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if (failing) {
                    from("bus:" + topic + "?group=" + group + "&redeliveryDelay=600&maxDeliveries=0").routeId("failing")
                            .errorHandler(noErrorHandler())
                            .process(e -> {
                                System.out.println("delivery " + e.getIn().getBody(Envelope.class).getEventId() + " "
                                        + e.getIn().getHeader(BusConstants.DELIVERY_COUNT));
                                System.out.flush();
                                throw new RetryableException("the downstream service is down");
                            });
                    return;
                }
                from("bus:" + topic + "?group=" + group).routeId("slow").process(e -> {
                    Thread.sleep(10);
                    System.out.println("processed " + e.getIn().getBody(Envelope.class).getEventId());
                    System.out.flush();
                });
            }
        });
        context.start();
        Thread.currentThread().join();
    }
}
