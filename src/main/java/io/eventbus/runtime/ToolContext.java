package io.eventbus.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

import io.eventbus.bus.BusComponent;

/**
 * A short-lived Camel context for the commands that talk to a broker ({@code publish}, {@code consume},
 * {@code stats}, {@code groups}, {@code validate}): the same configuration sources as {@code run}, without Camel
 * Main.
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

    /**
     * Topic to the groups its routes declare, for the commands that report configured topics without
     * {@code --topic}: every topic the routes of {@code routes} use and every {@code eventbus.topics.<topic>.*} key
     * names ({@link ConfiguredTopics}). Topics on the memory transport are skipped with a note on standard error,
     * as another process cannot see them; fails when no topic is left.
     */
    Map<String, Set<String>> configuredTopicsOnBrokers(Path routes, String command) throws IOException {
        ConfiguredTopics configured = ConfiguredTopics.of(routes,
                context.getPropertiesComponent().loadPropertiesAsMap().keySet().stream()
                        .map(String::valueOf).collect(Collectors.toSet()),
                this::resolvePlaceholders);
        Map<String, Set<String>> topics = new LinkedHashMap<>();
        configured.groupsByTopic().forEach((topic, declared) -> {
            if ("memory".equals(bus().transportNameFor(topic))) {
                System.err.println(command + ": skipping " + topic + ": it is on the memory transport, "
                        + "inside the running application (see its /observe/metrics)");
            } else {
                topics.put(topic, declared);
            }
        });
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topic to report: the routes of --routes " + routes
                    + " and the eventbus.topics.* keys name none on a broker; name one with --topic");
        }
        return topics;
    }

    private String resolvePlaceholders(String text) {
        try {
            return context.resolvePropertyPlaceholders(text);
        } catch (RuntimeException unresolvable) {
            return text;
        }
    }

    @Override
    public void close() {
        context.stop();
    }
}
