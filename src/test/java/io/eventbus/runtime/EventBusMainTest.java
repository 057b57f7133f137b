package io.eventbus.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The README's first command, run in process: the listings sample on the in-memory transport. */
class EventBusMainTest {

    @Test
    void theListingsSampleAccountsForEveryEvent() throws Exception {
        RunOptions options = RunOptions.parse(List.of("run", "--feed", "samples/listings/raw.jsonl",
                "--topic", "listings.raw", "--until-idle", "--idle-seconds", "1"));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exitCode = new EventBusMain(options).run();
        } finally {
            System.setOut(stdout);
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode summary = new ObjectMapper().readTree(lines[lines.length - 1]);

        // the figures samples/listings/README.md states
        assertEquals(0, exitCode);
        assertEquals(552, summary.get("published").asInt());
        assertEquals(32, summary.get("dead_lettered").asInt());
        assertEquals(32, summary.get("by_topic").get("listings.raw").get("dead_lettered").asInt());
        // a runner that does not report "deduplicated" yet counts the 55 duplicates as processed
        int deduplicated = summary.path("deduplicated").asInt(0);
        assertEquals(summary.has("deduplicated") ? 465 : 520, summary.get("processed").asInt());
        assertEquals(summary.has("deduplicated") ? 55 : 0, deduplicated);
        assertEquals(552, summary.get("processed").asInt() + summary.get("dead_lettered").asInt() + deduplicated);
    }

    @Test
    void optionsAreCheckedWithAClearMessage() {
        assertEquals("--feed needs --topic: the topic to publish the file's events to\n" + RunOptions.USAGE,
                assertThrows(IllegalArgumentException.class,
                        () -> RunOptions.parse(List.of("run", "--feed", "events.jsonl"))).getMessage());
        assertEquals("unknown option --fast\n" + RunOptions.USAGE,
                assertThrows(IllegalArgumentException.class, () -> RunOptions.parse(List.of("--fast"))).getMessage());
        assertEquals("--idle-seconds needs a whole number of seconds > 0 but was \"0\"",
                assertThrows(IllegalArgumentException.class,
                        () -> RunOptions.parse(List.of("--until-idle", "--idle-seconds", "0"))).getMessage());
        assertEquals("--routes needs a value\n" + RunOptions.USAGE,
                assertThrows(IllegalArgumentException.class, () -> RunOptions.parse(List.of("--routes"))).getMessage());
    }
}
