package io.eventbus.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.InvalidEnvelopeException;

/**
 * Publishes each line of a JSONL file to a topic through {@code bus:}, as {@code eventbus run --feed} does at
 * start. A line that is not a valid event is dead-lettered to {@code <topic>.dlq} with its file and line number
 * ({@code metadata.feed_file}, {@code metadata.feed_line}) and the run goes on; blank lines are skipped.
 */
final class FeedPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(FeedPublisher.class);

    /** What a feed produced: lines read (events), published, and dead-lettered as invalid. */
    record Result(int lines, int published, int invalid) {
    }

    private final CamelContext context;

    FeedPublisher(CamelContext context) {
        this.context = context;
    }

    Result publish(Path file, String topic) throws IOException {
        BusComponent bus = context.getComponent("bus", BusComponent.class);
        ProducerTemplate template = context.createProducerTemplate();
        int lines = 0;
        int published = 0;
        int invalid = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                try {
                    template.sendBody("bus:" + topic, line);
                    published++;
                } catch (CamelExecutionException e) {
                    if (!(e.getCause() instanceof InvalidEnvelopeException reason)) {
                        throw e;
                    }
                    LOG.warn("{} line {}: {}; dead-lettered to {}.dlq", file.getFileName(), number, reason.getMessage(), topic);
                    deadLetter(bus, line, topic, reason, file, number);
                    invalid++;
                }
            }
        } finally {
            stopQuietly(template);
        }
        return new Result(lines, published, invalid);
    }

    private static void deadLetter(BusComponent bus, String line, String topic, InvalidEnvelopeException reason,
            Path file, int number) {
        try {
            bus.getDeadLetterPublisher().deadLetterInvalid(line.getBytes(StandardCharsets.UTF_8), topic, reason,
                    Map.of("feed_file", file.getFileName().toString(), "feed_line", number));
        } catch (Exception e) {
            throw new IllegalStateException("cannot dead-letter line " + number + " of " + file + ": " + e.getMessage(), e);
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
