package io.eventbus.runtime;

import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

/**
 * {@code eventbus groups delete --topic T --group G}: deletes one consumer group, so that it stops holding the
 * topic's retained events; its position and unacknowledged events are gone. Exit 1 with the broker's reason when it
 * refuses (the group has a live member), or when the topic has no such group.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a consumer group of a topic (refused while it has a live member).")
final class GroupsDeleteCommand implements Callable<Integer> {

    @Mixin
    BusOptions bus;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic of the group.")
    String topic;

    @Option(names = "--group", required = true, paramLabel = "GROUP", description = "The group to delete.")
    String group;

    @Override
    public Integer call() throws Exception {
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            tool.requireSharedTransport("eventbus groups delete", topic);
            Transport transport = tool.bus().transportFor(topic);
            TopicStats.GroupStats before = transport.stats(topic, Set.of(group)).groups().stream()
                    .filter(g -> g.group().equals(group)).findFirst().orElse(null);
            if (!transport.deleteGroup(topic, group)) {
                System.err.println("eventbus groups delete: topic " + topic + " on " + transport.name()
                        + " has no consumer group " + group);
                return 1;
            }
            System.out.println("deleted consumer group " + group + " of topic " + topic + " on " + transport.name()
                    + (before == null ? "" : " (it had lag " + figure(before.lag()) + ", pending "
                            + figure(before.pending()) + ")"));
            return 0;
        }
    }

    private static String figure(Long n) {
        return n == null ? "-" : n.toString();
    }
}
