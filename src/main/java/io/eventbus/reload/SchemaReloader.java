package io.eventbus.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.SchemaRegistry;

/**
 * Reloads the JSON Schemas of a folder ({@code eventbus.schema.location} naming a directory) when a file in it is
 * added, changed or removed, with the safety of route files: the whole folder is loaded and every schema compiled
 * first, and only a folder that loads replaces the schemas events are checked against; a broken schema is refused
 * with its file and reason and the schemas loaded before keep validating. Schemas shipped in the jar
 * ({@code classpath:}) cannot change and are not watched.
 * <p>
 * A change is seen by the files' names, sizes and modification times, as hot reload polls for route files.
 */
public final class SchemaReloader {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaReloader.class);

    private final Path folder;
    private final EnvelopeValidator validator;
    private final ReloadStatus status;
    private Map<String, String> seen;

    public SchemaReloader(Path folder, EnvelopeValidator validator, ReloadStatus status) {
        this.folder = folder.toAbsolutePath().normalize();
        this.validator = validator;
        this.status = status;
        this.seen = fingerprint();
    }

    /** The reloader of the started bus's schemas' folder, or null when its schemas are the jar's (classpath:). */
    public static SchemaReloader of(BusComponent bus, ReloadStatus status) {
        String location = bus.startedSettings().getSchemaLocation().strip();
        return location.startsWith("classpath:") ? null
                : new SchemaReloader(Path.of(location), bus.getValidator(), status);
    }

    /** Loads the folder again if a file in it changed since the last scan; applies it only if it loads. */
    public synchronized void scan() {
        Map<String, String> now = fingerprint();
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        SchemaRegistry schemas;
        try {
            schemas = SchemaRegistry.load(folder.toString());
        } catch (RuntimeException e) {
            String reason = RouteReloader.reasonOf(e);
            status.failed(folder.getFileName().toString(), null, reason);
            LOG.error("JSON Schemas in {} not reloaded, the schemas loaded before keep validating: {}", folder,
                    reason);
            return;
        }
        validator.useSchemas(schemas);
        status.schemasReloaded();
        LOG.info("JSON Schemas in {} reloaded: {} event types", folder, schemas.eventTypes().size());
    }

    /** Per file under the folder: its size and modification time; empty while the folder cannot be read. */
    private Map<String, String> fingerprint() {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder, 2)) {
            walk.forEach(file -> {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        files.put(folder.relativize(file).toString(),
                                attributes.size() + "@" + attributes.lastModifiedTime().toMillis());
                    }
                } catch (IOException e) {
                    files.put(folder.relativize(file).toString(), "unreadable"); // being replaced right now
                }
            });
        } catch (IOException | RuntimeException e) {
            return seen == null ? Map.of() : seen; // the folder is being replaced; the next scan sees it
        }
        return files;
    }
}
