package io.eventbus.transport.rabbitmq;

import java.io.FileWriter;
import java.io.Writer;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import io.eventbus.envelope.Envelope;

/**
 * A consumer in its own JVM, for {@link RabbitMqRecoveryIT} to kill with SIGKILL: consumes
 * {@code bus:<topic>?group=<group>} slowly and appends each processed event id to a file (flushed before the
 * delivery is acknowledged). Arguments: topic, group, file.
 */
public final class RabbitMqChildConsumer {

    private RabbitMqChildConsumer() {
    }

    public static void main(String[] args) throws Exception {
        String topic = args[0];
        String group = args[1];
        Writer processed = new FileWriter(args[2], true);
        CamelContext context = new DefaultCamelContext();
        Properties props = new Properties();
        props.put("eventbus.transport", "rabbitmq");
        props.put("eventbus.rabbitmq.uri", RabbitMqTestBroker.URI);
        props.put("eventbus.rabbitmq.prefetch", "50");
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + topic + "?group=" + group).routeId("child").process(e -> {
                    Thread.sleep(10);
                    synchronized (processed) {
                        processed.write(e.getIn().getBody(Envelope.class).getEventId() + "\n");
                        processed.flush();
                    }
                });
            }
        });
        context.start();
        Thread.currentThread().join();
    }
}
