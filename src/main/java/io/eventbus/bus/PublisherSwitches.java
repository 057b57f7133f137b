package io.eventbus.bus;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.EventBusProperties;

/**
 * Publishing switched off and on at runtime from configuration (the {@code publisher.enabled}
 * flag of services built on Redis Streams):
 * {@code eventbus.publishers.enabled} for every topic, {@code eventbus.publishers.<topic>.enabled} for one; both
 * default to true. A switched-off topic's events are not sent: the exchange goes on, the skip is logged (the first,
 * then every 1000th per topic) and counted. Dead letters and {@code processing_failed} events are never switched
 * off, so a failure is never lost to a switch.
 * <p>
 * The values are a snapshot taken by {@link #refresh}, at start and whenever the runtime reloads its configuration,
 * so that a publish costs a map lookup, not a property resolution.
 */
public final class PublisherSwitches {

    private static final Logger LOG = LoggerFactory.getLogger(PublisherSwitches.class);
    public static final String PREFIX = "eventbus.publishers.";

    private volatile boolean allByDefault = true;
    private volatile boolean allEnabled = true;
    private volatile Map<String, Boolean> perTopic = Map.of();
    private final Map<String, AtomicLong> skipped = new ConcurrentHashMap<>();

    /** Reads the switches again from the context's properties; a value other than true or false fails naming the key. */
    public void refresh(CamelContext context) {
        refresh(context, allByDefault);
    }

    /**
     * Reads the switches, {@code eventbus.publishers.enabled} defaulting to {@code allByDefault} (the component
     * option) from now on.
     */
    void refresh(CamelContext context, boolean allByDefault) {
        this.allByDefault = allByDefault;
        EventBusProperties properties = new EventBusProperties(context);
        boolean all = properties.bool(PREFIX + "enabled", allByDefault);
        Properties keys = context.getPropertiesComponent()
                .loadProperties(key -> key.startsWith(PREFIX) && key.endsWith(".enabled") && !key.equals(PREFIX + "enabled"));
        Map<String, Boolean> topics = new ConcurrentHashMap<>();
        for (String key : keys.stringPropertyNames()) {
            String topic = key.substring(PREFIX.length(), key.length() - ".enabled".length());
            topics.put(topic, properties.bool(key, true));
        }
        if (all != allEnabled || !topics.equals(perTopic)) {
            LOG.info("Publishing {}; per topic: {}", all ? "on" : "off for every topic", topics);
        }
        allEnabled = all;
        perTopic = Map.copyOf(topics);
    }

    /** Whether events published to the topic are sent. */
    public boolean enabled(String topic) {
        return allEnabled && perTopic.getOrDefault(topic, true);
    }

    /** Records an event not sent because its topic is switched off. */
    void skipped(String topic, String eventId) {
        long n = skipped.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("Publishing to {} is switched off ({}enabled / {}{}.enabled): event {} not sent ({} so far)", topic,
                    PREFIX, PREFIX, topic, eventId, n);
        }
    }

    /** How many events were not sent to the topic because it was switched off. */
    public long skippedCount(String topic) {
        AtomicLong n = skipped.get(topic);
        return n == null ? 0 : n.get();
    }
}
