package io.eventbus.bus;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.FactoryFinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;


/**
 * The transports of one {@code bus} component, created on first use and closed with it.
 * <p>
 * Which transport a topic uses is configuration, never the route: {@code eventbus.topics.<topic>.transport},
 * else, for a dead-letter topic {@code <topic>.dlq} or a parked topic {@code <topic>.parked}, the transport of
 * {@code <topic>} (dead letters stay on the broker of their source), else {@code eventbus.transport} (the bus
 * setting, default {@code memory}).
 */
final class Transports implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);
    static final String FACTORY_PATH = "META-INF/services/io/eventbus/transport/";

    private final CamelContext context;
    private final EventBusProperties properties;
    private final String defaultTransport;
    private final Map<String, Transport> transports = new ConcurrentHashMap<>();
    private final Map<String, HealthCheck> healthChecks = new ConcurrentHashMap<>();

    Transports(CamelContext context, EventBusProperties properties, String defaultTransport) {
        this.context = context;
        this.properties = properties;
        this.defaultTransport = defaultTransport;
    }

    Transport forTopic(String topic) {
        String key = transportKeyFor(topic);
        String name = properties.string(key, defaultTransport);
        try {
            return named(name);
        } catch (UnknownTransportException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage()); // the key is the whole story
        }
    }

    String transportNameFor(String topic) {
        return properties.string(transportKeyFor(topic), defaultTransport);
    }

    /** The key that decides the topic's transport: its own, its source topic's for a DLQ, else the default. */
    private String transportKeyFor(String topic) {
        String own = "eventbus.topics." + topic + ".transport";
        if (properties.string(own).isPresent()) {
            return own;
        }
        String source = DeadLetterTopics.sourceTopicOf(topic);
        if (!source.equals(topic)) {
            return transportKeyFor(source);
        }
        return "eventbus.transport";
    }

    Transport named(String name) {
        return transports.computeIfAbsent(name, this::create);
    }

    private Transport create(String name) {
        Transport bound = context.getRegistry().lookupByNameAndType("eventbus-transport-" + name, Transport.class);
        if (bound != null) {
            return bound;
        }
        FactoryFinder finder = context.getCamelContextExtension().getFactoryFinder(FACTORY_PATH);
        Optional<TransportFactory> factory = finder.newInstance(name, TransportFactory.class);
        if (factory.isEmpty()) {
            throw new UnknownTransportException("unknown transport \"" + name + "\" (no " + FACTORY_PATH + name
                    + " on the class path; built in: memory)");
        }
        try {
            Transport transport = factory.get().create(context, properties);
            LOG.info("Event bus transport {} started", name);
            registerHealthCheck(transport);
            return transport;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the " + name + " transport: " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            // the transport's client library is missing: in Karaf, its feature is not installed
            throw new IllegalStateException("cannot start the " + name + " transport: its client library is missing ("
                    + e.getMessage().replace('/', '.') + " not found; in Karaf: feature:install camel-eventbus-" + name
                    + ")", e);
        }
    }

    private void registerHealthCheck(Transport transport) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry != null) {
            HealthCheck check = new TransportHealthCheck(transport);
            registry.register(check);
            healthChecks.put(transport.name(), check);
        }
    }

    private static final class UnknownTransportException extends IllegalArgumentException {
        UnknownTransportException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        transports.forEach((name, transport) -> {
            try {
                transport.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing the {} transport failed: {}", name, e.getMessage(), e);
            }
        });
        transports.clear();
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry != null) {
            healthChecks.values().forEach(registry::unregister);
        }
        healthChecks.clear();
    }
}
