package io.eventbus.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

/**
 * {@code eventbus stats [--topic T ...] [--group G]}: what the broker holds for each topic — its length, its
 * dead-letter topic's length, and per consumer group the lag, pending and members — as a table, or JSON with
 * {@code --json}. A figure the broker cannot tell shows as {@code -} (null in JSON). Reads only: creates no topic
 * and no group.
 * <p>
 * Without {@code --topic} it reports the configured topics ({@link ConfiguredTopics}: those the routes of
 * {@code --routes} use and those of {@code eventbus.topics.*}), each on its own transport, with the groups the
 * broker knows of plus those the routes declare; topics on the in-memory transport are skipped with a note, since
 * another process cannot see them.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show length, DLQ length, and per group lag, pending and consumers of topics on a broker.")
final class StatsCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    BusOptions bus;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "A topic to report (repeatable); default: the topics of the routes in --routes and of "
                    + "eventbus.topics.* keys.")
    List<String> topics;

    @Option(names = "--routes", paramLabel = "DIR", defaultValue = "routes",
            description = "Route files (*.camel.yaml) whose bus: topics and groups are reported without --topic; "
                    + "Java route files are not read: name their topics with --topic (default: ${DEFAULT-VALUE}).")
    Path routes;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "A group to report (repeatable); default: every group the broker knows of for the topic.")
    Set<String> groups = new LinkedHashSet<>();

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            Map<String, Set<String>> wanted = new LinkedHashMap<>();
            if (topics != null && !topics.isEmpty()) {
                for (String topic : topics) {
                    tool.requireSharedTransport("eventbus stats", topic);
                    wanted.put(topic, groups);
                }
            } else {
                tool.configuredTopicsOnBrokers(routes, "eventbus stats").forEach((topic, declared) ->
                        wanted.put(topic, groups.isEmpty() ? declared : groups));
            }
            for (Map.Entry<String, Set<String>> topic : wanted.entrySet()) {
                Transport transport = tool.bus().transportFor(topic.getKey());
                TopicStats stats = statsOf(transport, topic.getKey(), topic.getValue(), topics == null
                        || topics.isEmpty());
                TopicStats dlq = transport.stats(DeadLetterTopics.deadLetterTopicOf(topic.getKey()), Set.of());
                rows.add(new Row(transport.name(), stats, dlq.length()));
            }
        }
        System.out.println(json ? toJson(rows) : toTable(rows));
        return 0;
    }

    /**
     * The topic's figures for the groups asked for; for configured topics, the groups the broker knows of plus
     * those the routes declare (a RabbitMQ broker cannot list the groups of a topic).
     */
    static TopicStats statsOf(Transport transport, String topic, Set<String> groups, boolean configured)
            throws Exception {
        if (!configured) {
            return transport.stats(topic, groups);
        }
        TopicStats known = transport.stats(topic, Set.of());
        Set<String> missing = new LinkedHashSet<>(groups);
        known.groups().forEach(g -> missing.remove(g.group()));
        if (missing.isEmpty()) {
            return known;
        }
        List<TopicStats.GroupStats> all = new ArrayList<>(known.groups());
        all.addAll(transport.stats(topic, missing).groups());
        return new TopicStats(topic, known.length(), all, known.details());
    }

    private record Row(String transport, TopicStats stats, Long dlqLength) {
    }

    private static String toJson(List<Row> rows) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode topics = root.putArray("topics");
        for (Row row : rows) {
            ObjectNode topic = topics.addObject().put("transport", row.transport()).put("topic", row.stats().topic());
            topic.set("length", MAPPER.valueToTree(row.stats().length()));
            topic.set("dlq_length", MAPPER.valueToTree(row.dlqLength()));
            ArrayNode groups = topic.putArray("groups");
            for (TopicStats.GroupStats group : row.stats().groups()) {
                ObjectNode g = groups.addObject().put("group", group.group());
                g.set("lag", MAPPER.valueToTree(group.lag()));
                g.set("pending", MAPPER.valueToTree(group.pending()));
                g.set("consumers", MAPPER.valueToTree(group.consumers()));
                if (group.heldPastRetention() != null) {
                    g.put("held_past_retention", group.heldPastRetention());
                }
            }
            topic.set("details", MAPPER.valueToTree(row.stats().details()));
        }
        return root.toString();
    }

    private static String toTable(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-10s %-32s %10s %8s  %-24s %10s %8s %9s %6s",
                "TRANSPORT", "TOPIC", "LENGTH", "DLQ", "GROUP", "LAG", "PENDING", "CONSUMERS", "HELD"));
        for (Row row : rows) {
            List<TopicStats.GroupStats> groups = row.stats().groups();
            if (groups.isEmpty()) {
                out.append(line(row, null));
            }
            for (TopicStats.GroupStats group : groups) {
                out.append(line(row, group));
            }
        }
        return out.toString();
    }

    private static String line(Row row, TopicStats.GroupStats group) {
        return String.format(Locale.ROOT, "%n%-10s %-32s %10s %8s  %-24s %10s %8s %9s %6s", row.transport(),
                row.stats().topic(), figure(row.stats().length()), figure(row.dlqLength()),
                group == null ? "(no group)" : group.group(), figure(group == null ? null : group.lag()),
                figure(group == null ? null : group.pending()), figure(group == null ? null : group.consumers()),
                figure(group == null ? null : group.heldPastRetention()));
    }

    private static String figure(Number n) {
        return n == null ? "-" : n.toString();
    }
}
