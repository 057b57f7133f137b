package io.eventbus.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.bus.AbandonedGroups.Judged;
import io.eventbus.bus.AbandonedGroups.Verdict;
import io.eventbus.bus.AbandonedGroups;
import io.eventbus.transport.Transport;

/**
 * {@code eventbus groups prune --idle-for 7d [--topic T ...] [--dry-run]}: deletes every consumer group of the
 * topics that has had no live member for at least that long, judged as the running bus judges
 * {@code eventbus.groups.abandon-after} ({@link AbandonedGroups}). Prints what it dropped, and what it could not
 * judge: groups whose broker cannot tell how long they have been without members (Kafka, RabbitMQ) and groups the
 * broker refused to delete. Exit 0 either way: leaving a group it cannot judge is not a failure.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete every consumer group without a live member for at least --idle-for.")
final class GroupsPruneCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    BusOptions bus;

    @Mixin
    GroupTopicOptions topics;

    @Option(names = "--idle-for", required = true, paramLabel = "DURATION",
            description = "How long a group must have had no live member to be deleted: 7d, 12h, 30m, 45s, 500ms.")
    String idleFor;

    @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        long idleForMillis = DurationText.parse(idleFor);
        if (idleForMillis <= 0) {
            throw new IllegalArgumentException("--idle-for must be above 0, or every group would go");
        }
        List<Row> rows = new ArrayList<>();
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            for (Map.Entry<String, Set<String>> topic : topics.resolve(tool, "eventbus groups prune").entrySet()) {
                Transport transport = tool.bus().transportFor(topic.getKey());
                for (Judged judged : AbandonedGroups.prune(transport, topic.getKey(), idleForMillis, Set.of(),
                        dryRun)) {
                    rows.add(new Row(transport.name(), judged));
                }
            }
        }
        System.out.println(json ? toJson(rows, idleForMillis) : toText(rows));
        return 0;
    }

    private record Row(String transport, Judged judged) {
    }

    private String toJson(List<Row> rows, long idleForMillis) {
        ObjectNode root = MAPPER.createObjectNode().put("idle_for_ms", idleForMillis).put("dry_run", dryRun);
        ArrayNode groups = root.putArray("groups");
        for (Row row : rows) {
            Judged j = row.judged();
            ObjectNode g = groups.addObject().put("transport", row.transport()).put("topic", j.topic())
                    .put("group", j.group()).put("verdict", j.verdict().name().toLowerCase());
            g.set("lag", MAPPER.valueToTree(j.lag()));
            g.set("pending", MAPPER.valueToTree(j.pending()));
            g.set("idle_ms", MAPPER.valueToTree(j.idleMillis()));
            if (j.reason() != null) {
                g.put("reason", j.reason());
            }
        }
        return root.toString();
    }

    private String toText(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        int dropped = 0;
        int active = 0;
        int unjudged = 0;
        for (Row row : rows) {
            Judged j = row.judged();
            String where = row.transport() + " " + j.topic() + " " + j.group();
            switch (j.verdict()) {
                case DROPPED, ABANDONED -> {
                    dropped++;
                    out.append(dryRun ? "would drop " : "dropped ").append(where).append(" (no member for ")
                            .append(DurationText.format(j.idleMillis())).append(", lag ").append(figure(j.lag()))
                            .append(", pending ").append(figure(j.pending())).append(")\n");
                }
                case IN_USE -> {
                    unjudged++;
                    out.append("kept ").append(where).append(": ").append(j.reason()).append('\n');
                }
                case CANNOT_TELL -> {
                    unjudged++;
                    out.append("could not judge ").append(where).append(": ").append(row.transport())
                            .append(" cannot tell how long it has had no member (lag ").append(figure(j.lag()))
                            .append(")\n");
                }
                default -> active++;
            }
        }
        out.append(dryRun ? "would drop " : "dropped ").append(dropped).append(", active ").append(active)
                .append(", could not judge ").append(unjudged);
        return out.toString();
    }

    private static String figure(Long n) {
        return n == null ? "-" : n.toString();
    }
}
