package io.eventbus.envelope;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

/**
 * JSON Schemas (2020-12) for the {@code data} of each ({@code event_type}, major version), laid out as
 * {@code <location>/<event_type>/<major>.json}.
 * <p>
 * The location is a directory ({@code schemas}, {@code /etc/eventbus/schemas}) or {@code classpath:schemas}
 * (the schemas shipped in the jar; every jar or directory on the class path holding {@code schemas/} is scanned).
 * All schemas are compiled and their references resolved when the registry is built, so a broken schema file fails
 * the start with its path, not the first event. {@code format} keywords are asserted, not only annotations. Uses
 * com.networknt's validator, the one Camel's json-validator component uses. Thread-safe.
 */
public final class SchemaRegistry {

    private static final Pattern SCHEMA_FILE = Pattern.compile("(?:^|.*/)([^/]+)/(0|[1-9]\\d*)\\.json$");
    private static final String CLASSPATH = "classpath:";

    /**
     * {@code format} (date-time, uri, …) is only an annotation in 2020-12 unless asserted; asserting it rejects a
     * malformed timestamp in {@code data} like any other violation. The legacy {@code $.field} instance locations
     * (the factory's default, but not the builder's) are what {@link EnvelopeValidator} reports as {@code data.field}.
     */
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .pathType(PathType.LEGACY)
            .build();

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, Map<Integer, JsonSchema>> schemas = new ConcurrentHashMap<>();

    /** A registry with no schemas; add them with {@link #register}. */
    public SchemaRegistry() {
    }

    /**
     * Loads every {@code <event_type>/<major>.json} under the location.
     *
     * @throws IllegalArgumentException if the location does not exist: a mistyped location must not silently
     *                                  switch schema validation off
     */
    public static SchemaRegistry load(String location) {
        SchemaRegistry registry = new SchemaRegistry();
        if (location.startsWith(CLASSPATH)) {
            if (!registry.loadClasspath(location.substring(CLASSPATH.length()))) {
                throw new IllegalArgumentException("JSON Schema location \"" + location
                        + "\": nothing on the class path there");
            }
        } else {
            Path dir = Paths.get(location);
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("JSON Schema location \"" + location + "\": not a directory");
            }
            registry.loadDirectory(dir);
        }
        return registry;
    }

    /**
     * Registers (or replaces) the schema for an event type's major version.
     *
     * @throws IllegalArgumentException if the schema is neither an object nor a boolean
     * @throws com.networknt.schema.JsonSchemaException if the schema holds a {@code $ref} that cannot be resolved
     */
    public SchemaRegistry register(String eventType, int major, JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new IllegalArgumentException("a JSON Schema must be an object or a boolean but was "
                    + (schema.isMissingNode() ? "empty" : EnvelopeCodec.typeName(schema)));
        }
        JsonSchema compiled = factory.getSchema(schema, CONFIG);
        // networknt resolves references lazily; resolving them now fails the start, not the first event
        compiled.initializeValidators();
        schemas.computeIfAbsent(eventType, t -> new ConcurrentHashMap<>()).put(major, compiled);
        return this;
    }

    /** The schema for the event type's major version, if one is registered. */
    public Optional<JsonSchema> schemaFor(String eventType, int major) {
        return Optional.ofNullable(schemas.getOrDefault(eventType, Map.of()).get(major));
    }

    /** Whether any schema is registered for the event type: asked for every event validated. */
    public boolean isRegistered(String eventType) {
        Map<Integer, JsonSchema> majors = schemas.get(eventType);
        return majors != null && !majors.isEmpty();
    }

    /** The major versions registered for the event type, ascending; empty when the type is unknown. */
    public Set<Integer> majorsOf(String eventType) {
        return Collections.unmodifiableSet(new TreeMap<>(schemas.getOrDefault(eventType, Map.of())).keySet());
    }

    /** Every registered event type. */
    public Set<String> eventTypes() {
        return Collections.unmodifiableSet(schemas.keySet());
    }

    /** Loads from every class path root holding {@code root}; false when none does. */
    private boolean loadClasspath(String root) {
        String dir = root.replaceAll("^/+|/+$", "");
        try {
            ClassLoader loader = SchemaRegistry.class.getClassLoader();
            Enumeration<URL> roots = loader.getResources(dir);
            boolean found = roots.hasMoreElements();
            while (roots.hasMoreElements()) {
                URL url = roots.nextElement();
                URI uri = url.toURI();
                if ("file".equals(uri.getScheme())) {
                    loadDirectory(Paths.get(uri));
                } else if ("jar".equals(uri.getScheme())) {
                    loadJar(uri);
                } else {
                    // an OSGi bundle's entries, say, which no file system walks: never skip them in silence
                    throw new IllegalStateException("cannot list the JSON Schemas of classpath:" + dir + " at " + url
                            + " (only directories and jars can be listed); set eventbus.schema.location to a directory");
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan classpath:" + dir + " for JSON Schemas", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot scan classpath:" + dir + " for JSON Schemas", e);
        }
    }

    private void loadJar(URI uri) throws IOException {
        FileSystem fs;
        boolean opened = false;
        try {
            fs = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            fs = FileSystems.getFileSystem(uri);
        }
        try {
            String inner = uri.getSchemeSpecificPart();
            loadDirectory(fs.getPath(inner.substring(inner.indexOf("!/") + 1)));
        } finally {
            if (opened) {
                fs.close();
            }
        }
    }

    private void loadDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir, 2)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JSON Schemas from " + dir, e);
        }
        for (Path file : files) {
            Matcher m = SCHEMA_FILE.matcher(dir.relativize(file).toString().replace('\\', '/'));
            if (!m.matches()) {
                continue;
            }
            try (InputStream in = Files.newInputStream(file)) {
                register(m.group(1), Integer.parseInt(m.group(2)), EnvelopeCodec.MAPPER.readTree(in));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("invalid JSON Schema " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
