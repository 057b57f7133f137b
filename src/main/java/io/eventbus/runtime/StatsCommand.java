package io.eventbus.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.bus.TopicStats;
import io.eventbus.bus.Transport;
import io.eventbus.deadletter.DeadLetterPublisher;

/**
 * {@code eventbus stats --topic T [--topic U] [--group G]}: what the broker holds for each topic — its length, its
 * dead-letter topic's length, and per consumer group the lag, pending and members — as a table, or JSON with
 * {@code --json}. A figure the broker cannot tell shows as {@code -} (null in JSON). Reads only: creates no topic
 * and no group.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show length, DLQ length, and per group lag, pending and consumers of topics on a broker.")
final class StatsCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    BusOptions bus;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "A topic to report (repeatable).")
    List<String> topics;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "A group to report (repeatable); default: every group the broker knows of for the topic.")
    Set<String> groups = new LinkedHashSet<>();

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            for (String topic : topics) {
                tool.requireSharedTransport("eventbus stats", topic);
            }
            for (String topic : topics) {
                Transport transport = tool.bus().transportFor(topic);
                TopicStats stats = transport.stats(topic, groups);
                TopicStats dlq = transport.stats(DeadLetterPublisher.deadLetterTopicOf(topic), Set.of());
                rows.add(new Row(transport.name(), stats, dlq.length()));
            }
        }
        System.out.println(json ? toJson(rows) : toTable(rows));
        return 0;
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
            }
            topic.set("details", MAPPER.valueToTree(row.stats().details()));
        }
        return root.toString();
    }

    private static String toTable(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-10s %-32s %10s %8s  %-24s %10s %8s %9s",
                "TRANSPORT", "TOPIC", "LENGTH", "DLQ", "GROUP", "LAG", "PENDING", "CONSUMERS"));
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
        return String.format(Locale.ROOT, "%n%-10s %-32s %10s %8s  %-24s %10s %8s %9s", row.transport(),
                row.stats().topic(), figure(row.stats().length()), figure(row.dlqLength()),
                group == null ? "(no group)" : group.group(), figure(group == null ? null : group.lag()),
                figure(group == null ? null : group.pending()), figure(group == null ? null : group.consumers()));
    }

    private static String figure(Number n) {
        return n == null ? "-" : n.toString();
    }
}
