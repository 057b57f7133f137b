package io.eventbus.runtime;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

import io.eventbus.bus.BusComponent;

/**
 * A short-lived Camel context for the commands that talk to a broker ({@code publish}, {@code consume},
 * {@code stats}, {@code validate}): the same configuration sources as {@code run}, without Camel Main.
 */
final class ToolContext implements AutoCloseable {

    private final CamelContext context;

    private ToolContext(CamelContext context) {
        this.context = context;
    }

    static ToolContext start(RuntimeConfiguration configuration) {
        DefaultCamelContext context = new DefaultCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.setLocation(configuration.locations());
        properties.setOverrideProperties(configuration.overrideProperties());
        context.getShutdownStrategy().setTimeout(30);
        context.start();
        return new ToolContext(context);
    }

    CamelContext context() {
        return context;
    }

    BusComponent bus() {
        return context.getComponent("bus", BusComponent.class);
    }

    /** Fails with a clear message when the topic's transport is the in-memory one, which lives in one process. */
    void requireSharedTransport(String command, String topic) {
        if ("memory".equals(bus().transportNameFor(topic))) {
            throw new IllegalArgumentException("topic " + topic + " is on the memory transport, which lives inside "
                    + "one process: " + command + " from another process cannot reach it. Choose a broker with "
                    + "--transport redis|rabbitmq|kafka (or eventbus.transport in --config), or use "
                    + "'eventbus run --feed FILE --topic " + topic + "' to publish and process in one process.");
        }
    }

    @Override
    public void close() {
        context.stop();
    }
}
