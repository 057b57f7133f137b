package io.eventbus.runtime;

import java.util.ArrayList;
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

import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

/**
 * {@code eventbus groups [--topic T ...]}: the consumer groups of topics on their brokers, each with its lag,
 * pending, members and how long it has had no live member ({@code -} where the broker cannot tell), as a table or
 * JSON. Reads only. A group that nobody consumes any more still holds the events the topic retains for it; its
 * subcommands {@code delete} and {@code prune} drop such groups.
 * <p>
 * Without {@code --topic} it looks at the configured topics, as {@code eventbus stats} does: the groups the broker
 * knows of plus those the routes declare (a RabbitMQ broker cannot list the groups of a topic).
 */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "List the consumer groups of topics with lag, pending, members and idle time; delete or prune "
                + "abandoned ones.",
        subcommands = { GroupsDeleteCommand.class, GroupsPruneCommand.class })
final class GroupsCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    BusOptions bus;

    @Mixin
    GroupTopicOptions topics;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Row> rows = new ArrayList<>();
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            for (Map.Entry<String, Set<String>> topic : topics.resolve(tool, "eventbus groups").entrySet()) {
                Transport transport = tool.bus().transportFor(topic.getKey());
                TopicStats stats = StatsCommand.statsOf(transport, topic.getKey(), topic.getValue(), true);
                for (TopicStats.GroupStats group : stats.groups()) {
                    rows.add(new Row(transport.name(), topic.getKey(), group));
                }
                if (stats.groups().isEmpty()) {
                    rows.add(new Row(transport.name(), topic.getKey(), null));
                }
            }
        }
        System.out.println(json ? toJson(rows) : toTable(rows));
        return 0;
    }

    /** One group of a topic; {@code group} null for a topic without any. */
    private record Row(String transport, String topic, TopicStats.GroupStats group) {
    }

    private static String toJson(List<Row> rows) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode groups = root.putArray("groups");
        for (Row row : rows) {
            if (row.group() == null) {
                continue;
            }
            ObjectNode g = groups.addObject().put("transport", row.transport()).put("topic", row.topic())
                    .put("group", row.group().group());
            g.set("lag", MAPPER.valueToTree(row.group().lag()));
            g.set("pending", MAPPER.valueToTree(row.group().pending()));
            g.set("consumers", MAPPER.valueToTree(row.group().consumers()));
            g.set("idle_ms", MAPPER.valueToTree(row.group().idleMillis()));
        }
        return root.toString();
    }

    private static String toTable(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-10s %-32s %-24s %10s %8s %9s %8s",
                "TRANSPORT", "TOPIC", "GROUP", "LAG", "PENDING", "CONSUMERS", "IDLE"));
        for (Row row : rows) {
            TopicStats.GroupStats group = row.group();
            out.append(String.format(Locale.ROOT, "%n%-10s %-32s %-24s %10s %8s %9s %8s", row.transport(),
                    row.topic(), group == null ? "(no group)" : group.group(),
                    figure(group == null ? null : group.lag()), figure(group == null ? null : group.pending()),
                    figure(group == null ? null : group.consumers()),
                    group == null || group.idleMillis() == null ? "-" : DurationText.format(group.idleMillis())));
        }
        return out.toString();
    }

    private static String figure(Number n) {
        return n == null ? "-" : n.toString();
    }
}
