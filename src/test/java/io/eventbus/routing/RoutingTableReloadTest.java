package io.eventbus.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RoutingTableReloadTest {

    private static final Duration CHECK_INTERVAL = Duration.ofMillis(10);
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private static final String FIRST = """
            routes:
              features_updated: features-updates
            """;
    private static final String SECOND = """
            routes:
              features_updated: features-v2
              bom_exploded: [bom-exploded, audit]
            unroutable: dead-letters
            """;
    private static final String BROKEN = """
            routes:
              features_updated: features-v3
              bom_exploded: []
            """;

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void writeFirstVersion() throws IOException {
        file = Files.writeString(dir.resolve("routing.yaml"), FIRST);
    }

    @Test
    void usesTheNewMappingOnceTheFileChanges() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);

        rewrite(SECOND);

        await().atMost(PATIENCE).until(() -> table.topicsFor("features_updated"), equalTo(List.of("features-v2")));
        assertEquals(List.of("bom-exploded", "audit"), table.topicsFor("bom_exploded"));
        assertEquals(List.of("dead-letters"), table.topicsFor("order_placed"));
        assertEquals(1, table.reloadCount());
        assertEquals(Optional.empty(), table.lastReloadError());
    }

    @Test
    void countsEachReload() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);

        rewrite(SECOND);
        await().atMost(PATIENCE).until(() -> table.topicsFor("features_updated"), equalTo(List.of("features-v2")));
        rewrite(FIRST);
        await().atMost(PATIENCE).until(() -> table.topicsFor("features_updated"), equalTo(List.of("features-updates")));

        assertEquals(2, table.reloadCount());
    }

    @Test
    void keepsThePreviousMappingWhenTheNewFileIsBroken() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);

        rewrite(BROKEN);

        await().atMost(PATIENCE).until(() -> errorAfterLookup(table), Optional::isPresent);
        String expected = "routing table " + file + " line 3: value of \"bom_exploded\" must not be an empty list";
        assertEquals(Optional.of(expected), table.lastReloadError());
        assertEquals(List.of("features-updates"), table.topicsFor("features_updated"));
        assertEquals(List.of("unroutable"), table.topicsFor("bom_exploded"));
        assertEquals(0, table.reloadCount());
    }

    @Test
    void clearsTheReloadErrorOnceTheFileIsFixed() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);
        rewrite(BROKEN);
        await().atMost(PATIENCE).until(() -> errorAfterLookup(table), Optional::isPresent);

        rewrite(SECOND);

        await().atMost(PATIENCE).until(() -> errorAfterLookup(table), Optional::isEmpty);
        assertEquals(List.of("features-v2"), table.topicsFor("features_updated"));
        assertEquals(1, table.reloadCount());
    }

    @Test
    void keepsTheLastMappingWhenTheFileIsDeleted() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);

        Files.delete(file);

        await().atMost(PATIENCE).until(() -> errorAfterLookup(table), Optional::isPresent);
        assertEquals(Optional.of("routing table " + file + ": file not found"), table.lastReloadError());
        assertEquals(List.of("features-updates"), table.topicsFor("features_updated"));
        assertEquals(0, table.reloadCount());
    }

    @Test
    void loadsTheFileAgainWhenItComesBack() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);
        Files.delete(file);
        await().atMost(PATIENCE).until(() -> errorAfterLookup(table), Optional::isPresent);

        Files.writeString(file, SECOND);

        await().atMost(PATIENCE).until(() -> table.topicsFor("features_updated"), equalTo(List.of("features-v2")));
        assertEquals(Optional.empty(), table.lastReloadError());
        assertEquals(1, table.reloadCount());
    }

    @Test
    void noticesAFileReplacedByRenameWithTheSameTimeAndSize() throws IOException {
        RoutingTable table = RoutingTable.load(file, CHECK_INTERVAL);
        String sameSize = FIRST.replace("features-updates", "features-renamed");
        Path replacement = Files.writeString(dir.resolve("routing.yaml.tmp"), sameSize);
        Files.setLastModifiedTime(replacement, Files.getLastModifiedTime(file));

        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(PATIENCE).until(() -> table.topicsFor("features_updated"), equalTo(List.of("features-renamed")));
        assertEquals(1, table.reloadCount());
    }

    @Test
    void doesNotLookAtTheFileBeforeTheCheckIntervalHasElapsed() throws IOException {
        RoutingTable table = RoutingTable.load(file, Duration.ofHours(1));

        rewrite(SECOND);

        assertEquals(List.of("features-updates"), table.topicsFor("features_updated"));
        assertEquals(0, table.reloadCount());
    }

    @Test
    void doesNotReloadAnUnchangedFile() throws InterruptedException {
        RoutingTable table = RoutingTable.load(file, Duration.ZERO);

        for (int lookup = 0; lookup < 20; lookup++) {
            assertEquals(List.of("features-updates"), table.topicsFor("features_updated"));
            Thread.sleep(1);
        }

        assertEquals(0, table.reloadCount());
    }

    /** Reload errors show after a lookup: lookups are what check the file. */
    private static Optional<String> errorAfterLookup(RoutingTable table) {
        table.topicsFor("features_updated");
        return table.lastReloadError();
    }

    /** Rewrites the file and moves its time on, so the change shows even where timestamps have whole seconds. */
    private void rewrite(String yaml) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(1)));
    }
}
