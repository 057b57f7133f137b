package io.eventbus.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads and validates one routing table file into {@link RoutingRules}.
 * <p>
 * Works on snakeyaml-engine's node tree rather than on loaded Java objects because only nodes keep their
 * position in the file, which every error must name. A string is a scalar YAML resolves as {@code !!str}: an
 * unquoted {@code 42} or {@code true} is a number or a boolean, not an event type or a topic.
 */
final class RoutingTableReader {

    private static final String ROUTES = "routes";
    private static final String UNROUTABLE = "unroutable";

    private final Path file;

    private RoutingTableReader(Path file) {
        this.file = file;
    }

    /** Reads the file; throws {@link RoutingTableException} naming the file, line and reason when it is unusable. */
    static RoutingRules read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RoutingTableException(file, "file not found", e);
        } catch (IOException e) {
            throw new RoutingTableException(file, "cannot read the file: " + e, e);
        }
        return new RoutingTableReader(file).rules(compose(file, content));
    }

    private static Node compose(Path file, byte[] content) {
        try {
            // composeInputStream rather than a String: it honours a byte order mark as YAML requires
            return new Compose(LoadSettings.builder().setLabel(file.toString()).build())
                    .composeInputStream(new ByteArrayInputStream(content))
                    .orElse(null);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            // the context says what the parser was doing ("while scanning a quoted scalar"), the problem what it met
            String reason = "invalid YAML: " + Stream.of(e.getContext(), e.getProblem())
                    .filter(part -> part != null && !part.isBlank())
                    .collect(Collectors.joining(", "));
            if (mark.isPresent()) {
                throw new RoutingTableException(file, mark.get().getLine() + 1, reason, e);
            }
            throw new RoutingTableException(file, reason, e);
        } catch (YamlEngineException e) {
            throw new RoutingTableException(file, "invalid YAML: " + e.getMessage(), e);
        }
    }

    private RoutingRules rules(Node root) {
        if (!(root instanceof MappingNode table)) {
            throw new RoutingTableException(file, root == null ? 1 : lineOf(root),
                    "the routing table must be a mapping with \"routes\" and optionally \"unroutable\"");
        }
        Map<String, List<String>> routes = null;
        String unroutable = RoutingRules.DEFAULT_UNROUTABLE_TOPIC;
        Set<String> keys = new HashSet<>();
        for (NodeTuple entry : table.getValue()) {
            Node key = entry.getKeyNode();
            String name = stringOf(key);
            if (!ROUTES.equals(name) && !UNROUTABLE.equals(name)) {
                throw error(key, "unknown key " + describe(key) + "; expected \"routes\" or \"unroutable\"");
            }
            if (!keys.add(name)) {
                throw error(key, "duplicate key \"" + name + "\"");
            }
            if (ROUTES.equals(name)) {
                routes = routes(entry);
            } else {
                unroutable = unroutableTopic(entry);
            }
        }
        if (routes == null) {
            throw error(table, "missing \"routes\"");
        }
        return new RoutingRules(routes, unroutable);
    }

    private Map<String, List<String>> routes(NodeTuple routesEntry) {
        if (!(routesEntry.getValueNode() instanceof MappingNode mapping)) {
            throw new RoutingTableException(file, valueLine(routesEntry),
                    "\"routes\" must be a mapping of event type to topic(s)");
        }
        Map<String, List<String>> routes = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            Node key = entry.getKeyNode();
            String eventType = stringOf(key);
            if (eventType == null) {
                throw error(key, "event type " + describe(key) + " must be a non-empty string");
            }
            if (routes.containsKey(eventType)) {
                throw error(key, "duplicate event type \"" + eventType + "\"");
            }
            routes.put(eventType, topics(eventType, entry));
        }
        return routes;
    }

    private List<String> topics(String eventType, NodeTuple entry) {
        Node value = entry.getValueNode();
        String single = stringOf(value);
        if (single != null) {
            return List.of(single);
        }
        if (!(value instanceof SequenceNode sequence)) {
            throw new RoutingTableException(file, valueLine(entry),
                    "value of \"" + eventType + "\" must be a topic name or a list of topic names");
        }
        if (sequence.getValue().isEmpty()) {
            throw error(value, "value of \"" + eventType + "\" must not be an empty list");
        }
        List<String> topics = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String topic = stringOf(item);
            if (topic == null) {
                throw error(item,
                        "topic " + (topics.size() + 1) + " of \"" + eventType + "\" must be a non-empty string");
            }
            // a topic listed twice would receive every event of the type twice
            if (topics.contains(topic)) {
                throw error(item, "topic \"" + topic + "\" is listed twice for \"" + eventType + "\"");
            }
            topics.add(topic);
        }
        return topics;
    }

    private String unroutableTopic(NodeTuple entry) {
        String topic = stringOf(entry.getValueNode());
        if (topic == null) {
            throw new RoutingTableException(file, valueLine(entry), "\"unroutable\" must be a topic name");
        }
        return topic;
    }

    /** The scalar's text when the node is a non-blank string; null otherwise. */
    private static String stringOf(Node node) {
        if (node instanceof ScalarNode scalar && Tag.STR.equals(scalar.getTag()) && !scalar.getValue().isBlank()) {
            return scalar.getValue();
        }
        return null;
    }

    /**
     * The line of an entry's value, or of its key when the value is absent ({@code "bom_exploded:"}): an absent
     * value is an empty scalar that snakeyaml-engine marks where the next token starts, often the next line.
     */
    private static int valueLine(NodeTuple entry) {
        Node value = entry.getValueNode();
        boolean absent = value instanceof ScalarNode scalar
                && Tag.NULL.equals(scalar.getTag()) && scalar.getValue().isEmpty();
        return lineOf(absent ? entry.getKeyNode() : value);
    }

    /** How a node reads in an error: a scalar as its quoted text, a collection by its kind. */
    private static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return "\"" + scalar.getValue() + "\"";
        }
        return node instanceof MappingNode ? "(a mapping)" : "(a list)";
    }

    private RoutingTableException error(Node node, String reason) {
        return new RoutingTableException(file, lineOf(node), reason);
    }

    /** 1-based; snakeyaml-engine counts lines from 0. */
    private static int lineOf(Node node) {
        return node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }
}
