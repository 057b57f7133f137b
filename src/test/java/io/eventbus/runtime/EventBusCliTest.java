package io.eventbus.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code eventbus} command line run in process: exit codes, what it prints, and its messages. */
class EventBusCliTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;


    @Test
    void theListingsSamplePrintsTheSummaryItsReadmeStates() throws Exception {
        CliRun run = cli("run", "--feed", "samples/listings/raw.jsonl", "--topic", "listings.raw", "--until-idle",
                "--idle-seconds", "1");

        assertEquals(0, run.exitCode(), run.err());
        ObjectNode summary = (ObjectNode) MAPPER.readTree(run.lastLine());
        summary.remove("latency_ms");
        assertEquals(readmeSummary(), summary);
        assertEquals(summary.get("published").asInt(), summary.get("processed").asInt()
                + summary.get("dead_lettered").asInt() + summary.get("deduplicated").asInt(), summary.toString());
    }

    /** The summary {@code samples/listings/README.md} states under "The run", without its latencies. */
    private static ObjectNode readmeSummary() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("samples/listings/README.md"));
        int at = lines.indexOf("The last line printed is the summary:");
        StringBuilder json = new StringBuilder();
        for (int i = at + 2; i < lines.size() && !lines.get(i).isBlank(); i++) {
            json.append(lines.get(i).strip());
        }
        ObjectNode summary = (ObjectNode) MAPPER.readTree(json.toString().replace("{...}", "{}"));
        summary.remove("latency_ms");
        return summary;
    }

    @Test
    void aFeedOfEveryKindOfBadInputNeverStopsTheRunAndTheSummaryAddsUp() throws Exception {
        String valid = "{\"event_type\":\"raw_listing\",\"source\":\"cli-test\",\"schema_version\":\"1.0.0\",\"data\":{}}";
        String deep = "[".repeat(5000) + "]".repeat(5000);
        List<String> lines = List.of(
                "not json at all",
                "[1,2,3]",
                "\"a string\"",
                "null",
                "{}",
                "{\"event_type\":5,\"source\":\"s\",\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"schema_version\":\"abc\",\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"schema_version\":\"2.0.0\",\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"data\":\"" + "x".repeat(1_200_000) + "\"}",
                "{\"event_type\":\"mystery_event\",\"source\":\"s\",\"data\":{\"anything\":true}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"data\":\"not an object\"}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"published_at\":\"yesterday\",\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"data\":" + deep + "}",
                "\uFEFF" + valid,
                "{\"event_type\":\"a\",\"event_type\":\"raw_listing\",\"source\":\"s\",\"data\":{}}",
                "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"type\":\"mystery_event\",\"source\":\"/ce\",\"data\":{}}",
                valid + " trailing garbage",
                "{\"event_id\":\"\",\"event_type\":\"raw_listing\",\"source\":\"s\",\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"retry_count\":-1,\"tags\":{\"a\":1},\"metadata\":null,\"data\":{}}",
                "{\"event_type\":\"raw_listing\",\"source\":\"s\",\"data\":{\"price\":\"\u0000\\u0000\"}}",
                valid);
        Path feed = dir.resolve("bad.jsonl");
        Files.writeString(feed, String.join("\n", lines) + "\n");
        Files.write(feed, new byte[] { '{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}', '\n' },
                java.nio.file.StandardOpenOption.APPEND);

        CliRun run = cli("run", "--feed", feed.toString(), "--topic", "listings.raw", "--until-idle", "--idle-seconds", "1");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = MAPPER.readTree(run.lastLine());
        assertEquals(lines.size() + 1, summary.get("published").asInt(), summary.toString());
        assertEquals(summary.get("published").asInt(), summary.get("processed").asInt()
                + summary.get("dead_lettered").asInt() + summary.get("deduplicated").asInt(), summary.toString());
        assertTrue(summary.get("dead_lettered").asInt() >= 15, summary.toString());
    }

    @Test
    void validatePrintsOneLinePerInvalidEventAndExitsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
                "{\"event_type\":\"thing_happened\",\"source\":\"s\",\"event_id\":\"e1\",\"schema_version\":\"1.0.0\","
                        + "\"published_at\":\"2026-01-01T00:00:00Z\",\"data\":{}}",
                "{\"event_type\":",
                "",
                "{\"source\":\"s\",\"event_id\":\"e3\",\"schema_version\":\"1.0.0\",\"published_at\":\"2026-01-01T00:00:00Z\","
                        + "\"data\":{}}") + "\n");
        CliRun validate = cli("validate", file.toString());

        assertEquals(1, validate.exitCode(), validate.err());
        String[] lines = validate.out().strip().split("\n");
        assertEquals(2, lines.length, validate.out());
        assertTrue(lines[0].startsWith(file + ":2: envelope: not valid JSON"), lines[0]);
        assertTrue(lines[1].startsWith(file + ":4: event_type: "), lines[1]);
        assertTrue(validate.err().contains("3 event(s), 2 invalid"), validate.err());
    }

    @Test
    void validateExitsZeroWhenEveryEventIsValid() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.jsonl"), "{\"event_type\":\"thing_happened\",\"source\":\"s\","
                + "\"event_id\":\"e1\",\"schema_version\":\"1.0.0\",\"published_at\":\"2026-01-01T00:00:00Z\",\"data\":{}}\n");
        assertEquals(0, cli("validate", file.toString()).exitCode());
    }

    @Test
    void validateBeforePublishAcceptsWhatTheBusFillsInAndNothingElse() throws Exception {
        Path file = Files.writeString(dir.resolve("feed.jsonl"), String.join("\n",
                "{\"event_type\":\"thing_happened\",\"data\":{\"n\":1}}",
                "{\"event_type\":\"thing_happened\",\"schema_version\":\"1.0\",\"data\":{}}",
                "{\"data\":{}}") + "\n");

        CliRun consumed = cli("validate", file.toString());
        assertEquals(1, consumed.exitCode(), consumed.err());
        String first = consumed.out().lines().filter(l -> l.startsWith(file + ":1: ")).findFirst().orElse("");
        assertTrue(first.contains("published_at: required field is missing"), consumed.out());

        CliRun toPublish = cli("validate", "--before-publish", file.toString());
        assertEquals(1, toPublish.exitCode(), toPublish.err());
        String[] lines = toPublish.out().strip().split("\n");
        assertEquals(2, lines.length, toPublish.out());
        assertTrue(lines[0].startsWith(file + ":2: schema_version: "), lines[0]);
        assertTrue(lines[1].startsWith(file + ":3: event_type: "), lines[1]);
        assertTrue(toPublish.err().contains("3 event(s), 2 invalid"), toPublish.err());
    }

    @Test
    void brokerCommandsOnTheMemoryTransportSayItLivesInOneProcess() throws Exception {
        Path file = Files.writeString(dir.resolve("e.jsonl"), "{}\n");
        for (String[] args : new String[][] { { "publish", "--topic", "t", file.toString() },
                { "consume", "--topic", "t", "--group", "g", "--max", "1" }, { "stats", "--topic", "t" } }) {
            CliRun result = cli(args);
            assertEquals(2, result.exitCode(), String.join(" ", args));
            assertTrue(result.err().contains("topic t is on the memory transport, which lives inside one process"),
                    result.err());
        }
    }

    @Test
    void wrongUsageExitsTwoNamingTheOption() {
        CliRun noTopic = cli("run", "--feed", "samples/listings/raw.jsonl");
        assertEquals(2, noTopic.exitCode());
        assertTrue(noTopic.err().contains("--feed needs --topic"), noTopic.err());

        CliRun unknown = cli("run", "--fast");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("Unknown option: '--fast'"), unknown.err());

        CliRun config = cli("run", "--config", dir.resolve("nope.properties").toString());
        assertEquals(2, config.exitCode());
        assertTrue(config.err().contains("nope.properties: file not found or not readable"), config.err());
    }

    @Test
    void aBrokenRouteFileFailsTheStartNamingFileAndLine() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("bad.camel.yaml"), "- route:\n    id: bad\n    from: [\n");
        CliRun run = cli("run", "--routes", routes.toString(), "--until-idle", "--idle-seconds", "1");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("bad.camel.yaml:"), run.err());
    }

    @Test
    void aTakenHttpPortFailsTheStartInsteadOfRunningWithoutHealth() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            CliRun run = cli("run", "--routes", Files.createDirectories(dir.resolve("none")).toString(),
                    "--until-idle", "--idle-seconds", "1", "--http-port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, run.exitCode(), run.err());
            assertTrue(run.err().contains("eventbus run: failed to start: cannot serve health and metrics on 127.0.0.1:"
                    + taken.getLocalPort() + " (camel.management.host/port, --http-host/--http-port)"), run.err());
        }
        CliRun badPort = cli("run", "--http-port", "70000");
        assertEquals(2, badPort.exitCode());
        assertTrue(badPort.err().contains("--http-port must be between 0 (off) and 65535 but was 70000"),
                badPort.err());
    }

    @Test
    void aWrongTransportFailsTheStartNamingTheKey() throws Exception {
        Path feed = Files.writeString(dir.resolve("one.jsonl"), "{\"event_type\":\"x\",\"source\":\"s\",\"data\":{}}\n");
        CliRun run = cli("run", "--transport", "nats", "--feed", feed.toString(), "--topic", "t", "--until-idle",
                "--routes", Files.createDirectories(dir.resolve("empty")).toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("eventbus.transport: unknown transport \"nats\""), run.err());
    }

    @Test
    void theConfigFileOverridesThePackagedDefaults() throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"), "eventbus.transport = natz\n");
        Path feed = Files.writeString(dir.resolve("one.jsonl"), "{\"event_type\":\"x\",\"source\":\"s\",\"data\":{}}\n");
        CliRun run = cli("run", "--config", config.toString(), "--feed", feed.toString(), "--topic", "t", "--until-idle",
                "--routes", Files.createDirectories(dir.resolve("none")).toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("eventbus.transport: unknown transport \"natz\""), run.err());
    }

    @Test
    void aWrongPerTopicTransportNamesItsOwnKey() throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"), "eventbus.topics.t.transport = natz\n");
        Path feed = Files.writeString(dir.resolve("one.jsonl"), "{\"event_type\":\"x\",\"source\":\"s\",\"data\":{}}\n");
        CliRun run = cli("run", "--config", config.toString(), "--feed", feed.toString(), "--topic", "t", "--until-idle",
                "--routes", Files.createDirectories(dir.resolve("empty")).toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("eventbus.topics.t.transport: unknown transport \"natz\""), run.err());
    }

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }
}
