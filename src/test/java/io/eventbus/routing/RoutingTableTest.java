package io.eventbus.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingTableTest {

    private static final String SEED = """
            # event_type -> topic(s); a feature service's stream mapping
            routes:
              features_updated: features-updates
              bom_exploded: [bom-exploded, audit]
            """;

    @TempDir
    Path dir;

    @Test
    void routesAnEventTypeToItsSingleTopic() throws IOException {
        RoutingTable table = load(SEED);

        assertEquals(List.of("features-updates"), table.topicsFor("features_updated"));
        assertTrue(table.isRoutable("features_updated"));
    }

    @Test
    void routesAnEventTypeToEachOfItsTopicsInFileOrder() throws IOException {
        RoutingTable table = load(SEED);

        assertEquals(List.of("bom-exploded", "audit"), table.topicsFor("bom_exploded"));
        assertTrue(table.isRoutable("bom_exploded"));
    }

    @Test
    void readsABlockListOfTopicsLikeAFlowList() throws IOException {
        RoutingTable table = load("""
                routes:
                  bom_exploded:
                    - bom-exploded
                    - audit
                """);

        assertEquals(List.of("bom-exploded", "audit"), table.topicsFor("bom_exploded"));
    }

    @Test
    void sendsAnEventTypeWithoutEntryToTheDefaultUnroutableTopic() throws IOException {
        RoutingTable table = load(SEED);

        assertEquals(List.of("unroutable"), table.topicsFor("order_placed"));
        assertFalse(table.isRoutable("order_placed"));
        assertEquals("unroutable", table.rules().unroutableTopic());
    }

    @Test
    void sendsAnEventTypeWithoutEntryToTheConfiguredUnroutableTopic() throws IOException {
        RoutingTable table = load(SEED + "unroutable: dead-letters\n");

        assertEquals(List.of("dead-letters"), table.topicsFor("order_placed"));
        assertEquals(List.of("features-updates"), table.topicsFor("features_updated"));
    }

    @Test
    void sendsAMissingOrBlankEventTypeToTheUnroutableTopic() throws IOException {
        RoutingTable table = load(SEED);

        assertEquals(List.of("unroutable"), table.topicsFor(null));
        assertEquals(List.of("unroutable"), table.topicsFor(""));
        assertEquals(List.of("unroutable"), table.topicsFor("  "));
        assertFalse(table.isRoutable(null));
        assertFalse(table.isRoutable(""));
    }

    @Test
    void routesEverythingToTheUnroutableTopicWhenRoutesIsEmpty() throws IOException {
        RoutingTable table = load("routes: {}\n");

        assertEquals(List.of("unroutable"), table.topicsFor("features_updated"));
        assertEquals(Map.of(), table.rules().routes());
    }

    @Test
    void takesQuotedNumbersAsEventTypesAndTopics() throws IOException {
        RoutingTable table = load("""
                routes:
                  "404": "410"
                """);

        assertEquals(List.of("410"), table.topicsFor("404"));
    }

    @Test
    void listsTheRoutesInFileOrder() throws IOException {
        RoutingTable table = load(SEED);

        assertEquals(List.of("features_updated", "bom_exploded"), List.copyOf(table.rules().routes().keySet()));
        assertEquals(List.of("bom-exploded", "audit"), table.rules().routes().get("bom_exploded"));
    }

    @Test
    void givesBusEndpointUrisAsRecipientsByDefault() throws IOException {
        RoutingTable table = load(SEED);

        assertEquals(List.of("bus:bom-exploded", "bus:audit"), table.recipients("bom_exploded"));
        assertEquals(List.of("bus:features-updates"), table.recipients("features_updated"));
        assertEquals(List.of("bus:unroutable"), table.recipients("order_placed"));
        assertEquals(List.of("bus:unroutable"), table.recipients(null));
        assertEquals(List.of("bus:unroutable"), table.recipients(" "));
    }

    @Test
    void putsTheConfiguredEndpointPrefixBeforeEachRecipient() throws IOException {
        RoutingTable table = RoutingTable.load(write(SEED), Duration.ofSeconds(1), "mock:");

        assertEquals(List.of("mock:bom-exploded", "mock:audit"), table.recipients("bom_exploded"));
        assertEquals(List.of("mock:unroutable"), table.recipients("order_placed"));
    }

    @Test
    void refusesANegativeCheckInterval() throws IOException {
        Path file = write(SEED);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutingTable.load(file, Duration.ofMillis(-1)));
        assertEquals("checkInterval must not be negative: PT-0.001S", e.getMessage());
    }

    @Test
    void refusesABlankEndpointPrefix() throws IOException {
        Path file = write(SEED);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoutingTable.load(file, Duration.ofSeconds(1), " "));
        assertEquals("endpointPrefix must not be blank", e.getMessage());
    }

    private RoutingTable load(String yaml) throws IOException {
        return RoutingTable.load(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("routing.yaml"), yaml);
    }
}
