package io.eventbus.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.eventbus.feed.FeedPublisher;

/**
 * {@code eventbus publish --topic T FILE.jsonl}: publishes each line of the file to the topic on a broker, each
 * publish confirmed by the broker before the next. A line that is not a valid event is dead-lettered to
 * {@code <topic>.dlq} with its line number and reason (also printed to standard error) and publishing goes on.
 * Prints one JSON line: {@code {"topic":..,"transport":..,"published":N,"invalid":M}}. On a topic with a mapped wire
 * format ({@code eventbus.topics.T.format}) each line is a message in that system's own JSON, read through the
 * mapping and published as it is.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish each line of a JSONL file to a topic on a broker.")
final class PublishCommand implements Callable<Integer> {

    @Mixin
    BusOptions bus;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The topic to publish to.")
    String topic;

    @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One event per line, in the topic's wire "
            + "format (envelope JSON unless eventbus.topics.TOPIC.format says otherwise).")
    Path file;

    @Option(names = "--quiet", description = "No progress on standard error (shown only when it is a terminal).")
    boolean quiet;

    /** The file's non-blank lines: the events to publish, for the progress's estimate. */
    private Long lineCount() throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank()).count();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": file not found or not readable");
        }
        try (ToolContext tool = ToolContext.start(bus.configuration())) {
            tool.requireSharedTransport("eventbus publish", topic);
            Progress progress = Progress.onTerminal("publish " + topic, quiet ? null : lineCount(), quiet);
            FeedPublisher.Result result;
            try {
                result = new FeedPublisher(tool.context()).publish(file, topic, () -> Progress.step(progress));
            } finally {
                Progress.close(progress);
            }
            System.out.println(new ObjectMapper().createObjectNode().put("topic", topic)
                    .put("transport", tool.bus().transportNameFor(topic)).put("published", result.published())
                    .put("invalid", result.invalid()));
        }
        return 0;
    }
}
