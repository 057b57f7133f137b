package io.eventbus.runtime;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.eventbus.deadletter.DeadLetter;
import io.eventbus.deadletter.DeadLetterJson;
import io.eventbus.deadletter.DeadLetters;

/** {@code eventbus dlq show --topic T --id EVENT_ID [--json]}: one dead letter in full, with its history. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one dead letter in full: envelope, failure metadata and failure history.")
final class DlqShowCommand extends DlqSubcommand {

    @Option(names = "--id", required = true, paramLabel = "EVENT_ID", description = "The dead letter's event_id.")
    String id;

    @Override
    int run(DeadLetters deadLetters, DeadLetterJson json) throws Exception {
        List<DeadLetter> found = deadLetters.show(topic, id);
        if (this.json) {
            ArrayNode all = new ObjectMapper().createArrayNode();
            found.forEach(letter -> all.add(json.full(letter)));
            System.out.println(new ObjectMapper().createObjectNode()
                    .put("topic", DeadLetters.deadLetterTopic(topic)).set("dead_letters", all));
        } else {
            System.out.println(DlqTables.full(found, json));
        }
        return 0;
    }
}
