package io.eventbus.runtime;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.eventbus.transport.DeadLetterTopics;

/**
 * The topics an application uses, for {@code eventbus stats} without {@code --topic}: every {@code bus:} topic the
 * YAML routes of a directory consume from or publish to, with the consumer groups they declare (a consumer without
 * {@code group} is in the group named after its route), plus the topics named in {@code eventbus.topics.<topic>.*}
 * keys. Dead-letter topics are left out: {@code stats} reports each topic's DLQ beside it. Java DSL route files
 * ({@code *.java}) are not read: their topics are known only once the file is compiled and its routes built, which a
 * tool that only looks at the brokers does not do; their topics are named with {@code --topic} or
 * {@code eventbus.topics.<topic>.*}.
 * <p>
 * A {@code routeTemplate} names no topic of its own ({@code bus:{{stream}}}); each {@code templatedRoute} made from it,
 * in any of the files, does, with its parameters (or the template's defaults) in place of the placeholders.
 */
final class ConfiguredTopics {

    private static final String PREFIX = "bus:";

    private static final Pattern PARAMETER = Pattern.compile("\\{\\{([^}:]+)(?::[^}]*)?}}");

    private final Map<String, Set<String>> groupsByTopic = new TreeMap<>();
    private final UnaryOperator<String> placeholders;
    /** Route templates by id: their {@code parameters} and {@code route}, as read. */
    private final Map<String, Map<?, ?>> templates = new HashMap<>();
    private final List<Map<?, ?>> templatedRoutes = new ArrayList<>();
    /** The parameters of the templated route being walked; empty outside one. */
    private Map<String, String> templateParameters = Map.of();

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
            // after every file: a template may be defined in another file than the routes made from it
            for (Map<?, ?> templated : topics.templatedRoutes) {
                topics.walkTemplated(templated);
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
            if (map.get("routeTemplate") instanceof Map<?, ?> template && template.get("id") != null) {
                templates.put(String.valueOf(template.get("id")), template);
                return;
            }
            if (map.get("templatedRoute") instanceof Map<?, ?> templated) {
                templatedRoutes.add(templated);
                return;
            }
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

    /**
     * Walks the template's route with the templated route's parameters, or the template's defaults, in place of its
     * placeholders. A templated route whose template is nowhere is left out: Camel refuses it at start.
     */
    private void walkTemplated(Map<?, ?> templated) {
        Map<?, ?> template = templates.get(String.valueOf(templated.get("routeTemplateRef")));
        if (template == null || !(template.get("route") instanceof Map<?, ?> route)) {
            return;
        }
        Map<String, String> values = new HashMap<>();
        collectParameters(template.get("parameters"), "defaultValue", values);
        collectParameters(templated.get("parameters"), "value", values);
        Object routeId = templated.get("routeId") != null ? templated.get("routeId") : template.get("id");
        templateParameters = values;
        try {
            walk(route, String.valueOf(routeId), false);
        } finally {
            templateParameters = Map.of();
        }
    }

    private static void collectParameters(Object parameters, String valueKey, Map<String, String> values) {
        if (parameters instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> parameter && parameter.get("name") != null
                        && parameter.get(valueKey) != null) {
                    values.put(String.valueOf(parameter.get("name")), String.valueOf(parameter.get(valueKey)));
                }
            }
        }
    }

    /** The text with the templated route's parameters, then Camel's property placeholders, resolved. */
    private String resolve(String text) {
        Matcher parameter = PARAMETER.matcher(text);
        StringBuilder withParameters = new StringBuilder();
        while (parameter.find()) {
            String value = templateParameters.get(parameter.group(1).trim());
            parameter.appendReplacement(withParameters, Matcher.quoteReplacement(value != null ? value
                    : parameter.group()));
        }
        parameter.appendTail(withParameters);
        return placeholders.apply(withParameters.toString());
    }

    private void uri(String uri, String group, String routeId, boolean consuming) {
        String resolved = resolve(uri).substring(PREFIX.length());
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
        String member = group != null ? resolve(group) : routeId;
        if (member != null) {
            groupsByTopic.get(topic.startsWith("//") ? topic.substring(2) : topic).add(member);
        }
    }

    /** Adds the topic unless it is a dead-letter topic; whether it was kept. */
    private boolean topic(String topic) {
        if (topic.isBlank() || topic.equals(DeadLetterTopics.OF_SOURCE)
                || topic.endsWith(DeadLetterTopics.DEAD_LETTER_SUFFIX)) {
            return false;
        }
        groupsByTopic.computeIfAbsent(topic, t -> new TreeSet<>());
        return true;
    }
}
