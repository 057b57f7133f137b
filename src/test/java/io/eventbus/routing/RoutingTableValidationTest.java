package io.eventbus.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every broken file is refused with the file, the 1-based line and the reason. */
class RoutingTableValidationTest {

    @TempDir
    Path dir;

    @Test
    void refusesATopicGivenAsAMapping() throws IOException {
        assertRefused("""
                # event_type -> topic(s); a feature service's stream mapping
                routes:
                  features_updated: features-updates
                  bom_exploded: {topic: bom-exploded}
                """, 4, "value of \"bom_exploded\" must be a topic name or a list of topic names");
    }

    @Test
    void refusesAnAbsentTopicAtTheLineOfItsEventType() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded:

                  features_updated: features-updates
                """, 2, "value of \"bom_exploded\" must be a topic name or a list of topic names");
    }

    @Test
    void refusesATopicYamlReadsAsANumber() throws IOException {
        assertRefused("""
                routes:
                  features_updated: features-updates
                  bom_exploded: 42
                """, 3, "value of \"bom_exploded\" must be a topic name or a list of topic names");
    }

    @Test
    void refusesAnEmptyTopic() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: ""
                """, 2, "value of \"bom_exploded\" must be a topic name or a list of topic names");
    }

    @Test
    void refusesAnEmptyListOfTopics() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: []
                """, 2, "value of \"bom_exploded\" must not be an empty list");
    }

    @Test
    void refusesAListedTopicThatIsNotAString() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded:
                    - bom-exploded
                    - [audit]
                """, 4, "topic 2 of \"bom_exploded\" must be a non-empty string");
    }

    @Test
    void refusesAnEmptyListedTopic() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded:
                    - ""
                """, 3, "topic 1 of \"bom_exploded\" must be a non-empty string");
    }

    @Test
    void refusesATopicListedTwice() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded:
                    - audit
                    - bom-exploded
                    - audit
                """, 5, "topic \"audit\" is listed twice for \"bom_exploded\"");
    }

    @Test
    void refusesRoutesThatAreNotAMapping() throws IOException {
        assertRefused("""
                routes:
                  - features-updates
                """, 2, "\"routes\" must be a mapping of event type to topic(s)");
    }

    @Test
    void refusesAbsentRoutesAtTheLineOfTheKey() throws IOException {
        assertRefused("""
                routes:

                unroutable: dead-letters
                """, 1, "\"routes\" must be a mapping of event type to topic(s)");
    }

    @Test
    void refusesAFileWithoutRoutes() throws IOException {
        assertRefused("""
                unroutable: dead-letters
                """, 1, "missing \"routes\"");
    }

    @Test
    void refusesAnEventTypeYamlReadsAsANumber() throws IOException {
        assertRefused("""
                routes:
                  features_updated: features-updates
                  42: audit
                """, 3, "event type \"42\" must be a non-empty string");
    }

    @Test
    void refusesAnEmptyEventType() throws IOException {
        assertRefused("""
                routes:
                  "": audit
                """, 2, "event type \"\" must be a non-empty string");
    }

    @Test
    void refusesAnEventTypeListedTwice() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: audit
                  features_updated: features-updates
                  bom_exploded: bom-exploded
                """, 4, "duplicate event type \"bom_exploded\"");
    }

    @Test
    void refusesAnUnroutableTopicThatIsNotAString() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: audit
                unroutable: [dead-letters]
                """, 3, "\"unroutable\" must be a topic name");
    }

    @Test
    void refusesAnEmptyUnroutableTopic() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: audit
                unroutable: ""
                """, 3, "\"unroutable\" must be a topic name");
    }

    @Test
    void refusesAnUnknownTopLevelKey() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: audit
                route:
                  features_updated: features-updates
                """, 3, "unknown key \"route\"; expected \"routes\" or \"unroutable\"");
    }

    @Test
    void refusesATopLevelKeyGivenTwice() throws IOException {
        assertRefused("""
                routes:
                  bom_exploded: audit
                routes:
                  features_updated: features-updates
                """, 3, "duplicate key \"routes\"");
    }

    @Test
    void refusesAFileThatIsNotAMapping() throws IOException {
        assertRefused("""
                - features_updated
                """, 1, "the routing table must be a mapping with \"routes\" and optionally \"unroutable\"");
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        assertRefused("# nothing routed yet\n", 1,
                "the routing table must be a mapping with \"routes\" and optionally \"unroutable\"");
    }

    @Test
    void refusesInvalidYamlAtTheLineTheParserStopped() throws IOException {
        assertRefused("""
                routes:
                  features_updated: features-updates
                 bom_exploded: audit
                """, 3,
                "invalid YAML: while parsing a block mapping, expected <block end>, but found '<block mapping start>'");
    }

    @Test
    void refusesAMissingFileWithoutALine() {
        Path file = dir.resolve("routing.yaml");

        RoutingTableException e = assertThrows(RoutingTableException.class, () -> RoutingTable.load(file));

        assertEquals("routing table " + file + ": file not found", e.getMessage());
        assertEquals(OptionalInt.empty(), e.getLine());
        assertEquals("file not found", e.getReason());
    }

    private void assertRefused(String yaml, int line, String reason) throws IOException {
        Path file = Files.writeString(dir.resolve("routing.yaml"), yaml);

        RoutingTableException e = assertThrows(RoutingTableException.class, () -> RoutingTable.load(file));

        assertEquals("routing table " + file + " line " + line + ": " + reason, e.getMessage());
        assertEquals(OptionalInt.of(line), e.getLine());
        assertEquals(reason, e.getReason());
        assertEquals(file, e.getFile());
    }
}
