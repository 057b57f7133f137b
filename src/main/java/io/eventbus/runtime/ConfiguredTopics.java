package io.eventbus.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.eventbus.bus.BusEndpoint;
import io.eventbus.deadletter.DeadLetterPublisher;

/**
 * The topics an application uses, for {@code eventbus stats} without {@code --topic}: every {@code bus:} topic the
 * YAML routes of a directory consume from or publish to, with the consumer groups they declare (a consumer without
 * {@code group} is in the group named after its route), plus the topics named in {@code eventbus.topics.<topic>.*}
 * keys. Dead-letter topics are left out: {@code stats} reports each topic's DLQ beside it.
 */
final class ConfiguredTopics {

    private static final String PREFIX = "bus:";

    private final Map<String, Set<String>> groupsByTopic = new TreeMap<>();
    private final UnaryOperator<String> placeholders;

    private ConfiguredTopics(UnaryOperator<String> placeholders) {
        this.placeholders = placeholders;
    }

    /**
     * Reads the route files and the keys.
     *
     * @param placeholders resolves Camel property placeholders ({@code {{key:default}}}) in URIs and groups
     */
    static ConfiguredTopics of(Path routes, Set<String> propertyNames, UnaryOperator<String> placeholders)
            throws IOException {
        ConfiguredTopics topics = new ConfiguredTopics(placeholders);
        if (routes != null && Files.isDirectory(routes)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(routes, "*.camel.yaml")) {
                for (Path file : files) {
                    topics.readRouteFile(file);
                }
            }
        }
        for (String key : propertyNames) {
            if (key.startsWith("eventbus.topics.") && key.lastIndexOf('.') > "eventbus.topics.".length()) {
                topics.topic(key.substring("eventbus.topics.".length(), key.lastIndexOf('.')));
            }
        }
        return topics;
    }

    /** Topic to the consumer groups the routes declare for it (possibly none). */
    Map<String, Set<String>> groupsByTopic() {
        return groupsByTopic;
    }

    private void readRouteFile(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Load load = new Load(LoadSettings.builder().setLabel(file.toString()).build());
            walk(load.loadFromReader(reader), null, false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a readable route file: " + e.getMessage(), e);
        }
    }

    /** Collects {@code bus:} URIs anywhere in the tree; {@code from} gives a consumer, in its route's group. */
    private void walk(Object node, String routeId, boolean consuming) {
        if (node instanceof List<?> list) {
            list.forEach(item -> walk(item, routeId, consuming));
        } else if (node instanceof Map<?, ?> map) {
            Object route = map.get("route");
            if (route instanceof Map<?, ?> definition && definition.get("id") != null) {
                walk(route, String.valueOf(definition.get("id")), false);
                return;
            }
            Object uri = map.get("uri");
            if (uri instanceof String text && text.startsWith(PREFIX)) {
                Object parameters = map.get("parameters");
                Object group = parameters instanceof Map<?, ?> p ? p.get("group") : null;
                uri(text, group == null ? null : String.valueOf(group), routeId, consuming);
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                boolean from = "from".equals(entry.getKey());
                if (from && entry.getValue() instanceof String text && text.startsWith(PREFIX)) {
                    uri(text, null, routeId, true);
                } else if (entry.getValue() instanceof String text && text.startsWith(PREFIX)) {
                    uri(text, null, routeId, false);
                } else if (!"uri".equals(entry.getKey())) {
                    walk(entry.getValue(), routeId, from);
                }
            }
        }
    }

    private void uri(String uri, String group, String routeId, boolean consuming) {
        String resolved = placeholders.apply(uri).substring(PREFIX.length());
        int query = resolved.indexOf('?');
        String topic = query < 0 ? resolved : resolved.substring(0, query);
        if (query >= 0 && group == null) {
            for (String parameter : resolved.substring(query + 1).split("&")) {
                if (parameter.startsWith("group=")) {
                    group = parameter.substring("group=".length());
                }
            }
        }
        if (!topic(topic.startsWith("//") ? topic.substring(2) : topic) || !consuming) {
            return;
        }
        String member = group != null ? placeholders.apply(group) : routeId;
        if (member != null) {
            groupsByTopic.get(topic.startsWith("//") ? topic.substring(2) : topic).add(member);
        }
    }

    /** Adds the topic unless it is a dead-letter topic; whether it was kept. */
    private boolean topic(String topic) {
        if (topic.isBlank() || topic.equals(BusEndpoint.SOURCE_DEAD_LETTER_TOPIC)
                || topic.endsWith(DeadLetterPublisher.DEAD_LETTER_SUFFIX)) {
            return false;
        }
        groupsByTopic.computeIfAbsent(topic, t -> new TreeSet<>());
        return true;
    }
}
