package io.eventbus.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine.Option;

/**
 * The topics {@code eventbus groups} and {@code groups prune} look at: those of {@code --topic}, else the
 * configured ones as {@code eventbus stats} finds them, with the groups their routes declare.
 */
final class GroupTopicOptions {

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "A topic whose groups to look at (repeatable); default: the topics of the routes in "
                    + "--routes and of eventbus.topics.* keys.")
    List<String> topics;

    @Option(names = "--routes", paramLabel = "DIR", defaultValue = "routes",
            description = "Route files (*.camel.yaml) whose bus: topics are looked at without --topic; Java route "
                    + "files are not read: name their topics with --topic (default: ${DEFAULT-VALUE}).")
    Path routes;

    /** Topic to the groups the routes declare for it (none for a topic of {@code --topic}). */
    Map<String, Set<String>> resolve(ToolContext tool, String command) throws IOException {
        if (topics == null || topics.isEmpty()) {
            return tool.configuredTopicsOnBrokers(routes, command);
        }
        Map<String, Set<String>> wanted = new LinkedHashMap<>();
        for (String topic : topics) {
            tool.requireSharedTransport(command, topic);
            wanted.put(topic, Set.of());
        }
        return wanted;
    }
}
