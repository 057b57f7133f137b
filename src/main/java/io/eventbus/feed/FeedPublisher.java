package io.eventbus.feed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.transport.DeadLetterTopics;

/**
 * Publishes each line of a JSONL file to a topic through {@code bus:}, as {@code eventbus run --feed} does at
 * start. A line that is not a valid event is dead-lettered to {@code <topic>.dlq} with its file and line number
 * ({@code metadata.feed_file}, {@code metadata.feed_line}) and the run goes on; blank lines are skipped.
 */
public final class FeedPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(FeedPublisher.class);

    /** What a feed produced: lines read (events), published, and dead-lettered as invalid. */
    public record Result(int lines, int published, int invalid) {
    }

    private final CamelContext context;

    public FeedPublisher(CamelContext context) {
        this.context = context;
    }

    public Result publish(Path file, String topic) throws IOException {
        return publish(file, topic, () -> { });
    }

    /** {@link #publish(Path, String)}, running {@code eachLine} after each line is published or dead-lettered. */
    public Result publish(Path file, String topic, Runnable eachLine) throws IOException {
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        ProducerTemplate template = context.createProducerTemplate();
        int lines = 0;
        int published = 0;
        int invalid = 0;
        try (JsonLines reader = new JsonLines(file)) {
            JsonLines.Line line;
            while ((line = reader.next()) != null) {
                lines++;
                try {
                    template.sendBody("bus:" + topic, line.text());
                    published++;
                } catch (InvalidEnvelopeException reason) {
                    deadLetter(bus, line, topic, reason, file);
                    invalid++;
                } catch (CamelExecutionException e) {
                    if (!(e.getCause() instanceof InvalidEnvelopeException reason)) {
                        throw e;
                    }
                    deadLetter(bus, line, topic, reason, file);
                    invalid++;
                }
                eachLine.run();
            }
        } finally {
            stopQuietly(template);
        }
        return new Result(lines, published, invalid);
    }

    private static void deadLetter(BusComponent bus, JsonLines.Line line, String topic, InvalidEnvelopeException reason,
            Path file) {
        LOG.warn("{} line {}: {}; dead-lettered to {}", file.getFileName(), line.number(), reason.getMessage(),
                DeadLetterTopics.deadLetterTopicOf(topic));
        try {
            bus.getDeadLetterPublisher().deadLetterInvalid(line.bytes(), topic, reason,
                    Map.of("feed_file", file.getFileName().toString(), "feed_line", line.number()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot dead-letter line " + line.number() + " of " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static void stopQuietly(ProducerTemplate template) {
        try {
            template.stop();
        } catch (RuntimeException e) {
            LOG.debug("Stopping the feed's producer template failed", e);
        }
    }
}
