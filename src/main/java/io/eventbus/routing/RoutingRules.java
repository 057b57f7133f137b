package io.eventbus.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable version of a routing table: which topics each event type goes to, and the topic for event types
 * without an entry.
 * <p>
 * Only built from a validated routing table file, so every event type and topic is a non-blank string and every
 * event type has at least one topic, without duplicates. Thread-safe.
 */
public final class RoutingRules {

    /** The topic for event types without an entry when the file does not name one. */
    public static final String DEFAULT_UNROUTABLE_TOPIC = "unroutable";

    private final Map<String, List<String>> routes;
    private final String unroutableTopic;
    private final List<String> unroutable;

    RoutingRules(Map<String, List<String>> routes, String unroutableTopic) {
        // LinkedHashMap rather than Map.copyOf: keeping the file's order makes routes() read like the file
        Map<String, List<String>> copy = new LinkedHashMap<>();
        routes.forEach((eventType, topics) -> copy.put(eventType, List.copyOf(topics)));
        this.routes = Collections.unmodifiableMap(copy);
        this.unroutableTopic = unroutableTopic;
        this.unroutable = List.of(unroutableTopic);
    }

    /** Event type to its topics, in the order of the file; unmodifiable. */
    public Map<String, List<String>> routes() {
        return routes;
    }

    /** The topic for event types without an entry. */
    public String unroutableTopic() {
        return unroutableTopic;
    }

    /**
     * The topics for the event type, in the order of the file; the {@linkplain #unroutableTopic() unroutable topic}
     * alone when the type is null, blank or has no entry. Never empty.
     */
    public List<String> topicsFor(String eventType) {
        if (eventType == null) {
            return unroutable;
        }
        return routes.getOrDefault(eventType, unroutable);
    }

    /** Whether the event type has an entry of its own. */
    public boolean isRoutable(String eventType) {
        return eventType != null && routes.containsKey(eventType);
    }

    @Override
    public String toString() {
        return "RoutingRules[routes=" + routes + ", unroutable=" + unroutableTopic + "]";
    }
}
