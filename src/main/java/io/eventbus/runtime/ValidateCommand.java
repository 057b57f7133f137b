package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.eventbus.feed.JsonLines;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.wireformat.TopicFormat;

/**
 * {@code eventbus validate FILE.jsonl}: checks each line as the bus checks a consumed event (JSON, required fields,
 * types, schema version, size, the data's JSON Schema from {@code eventbus.schema.location}) and prints one line per
 * invalid event, {@code <file>:<line>: <field>: <reason>[; <field>: <reason>]}. Exit code 1 if any line is invalid.
 * With {@code --before-publish}, each line is checked as {@code eventbus publish} and {@code run --feed} check it: the
 * fields the bus fills in when it publishes may be missing. With {@code --topic T}, each line is read in the topic's
 * wire format ({@code eventbus.topics.T.format}): a system's own JSON through its mapping, whose errors name the
 * native field ({@code type: required field is missing (mapped to event_type)}). Nothing is published; no broker is
 * needed.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check each line of a JSONL file as an event; print the invalid ones; exit 1 if any.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    BusOptions bus;

    @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One event (envelope JSON) per line.")
    Path file;

    @Option(names = "--before-publish", description = "Check each line as publish and run --feed do: event_id, "
            + "schema_version, source and published_at may be missing (the bus fills them in when it publishes).")
    boolean beforePublish;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Read each line in this topic's wire format "
            + "(eventbus.topics.TOPIC.format: envelope, cloudevents or a mapping of a system's own JSON).")
    String topic;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": file not found or not readable");
        }
        int events = 0;
        int invalid = 0;
        try (ToolContext tool = ToolContext.start(bus.configuration()); JsonLines reader = new JsonLines(file)) {
            TopicFormat format = topic == null ? null : tool.bus().formatOf(topic);
            JsonLines.Line line;
            while ((line = reader.next()) != null) {
                events++;
                try {
                    line.text();
                    if (format != null && format.isMapped()) {
                        // a mapping fills what its format leaves out: a publish is read as a consumed message is
                        format.read(line.bytes());
                    } else if (beforePublish) {
                        tool.bus().checkToPublish(line.bytes());
                    } else {
                        tool.bus().getValidator().read(line.bytes());
                    }
                } catch (InvalidEnvelopeException e) {
                    invalid++;
                    System.out.println(file + ":" + line.number() + ": " + e.getMessage());
                }
            }
        }
        System.err.println("eventbus validate: " + events + " event(s), " + invalid + " invalid");
        return invalid == 0 ? 0 : 1;
    }
}
