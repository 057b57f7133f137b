package io.eventbus.wireformat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Finds mapping files by name: {@code <name>.yaml} under {@code eventbus.wireformat.location} (a directory, or
 * {@code classpath:<folder>}), else among the mappings shipped in the jar ({@code classpath:wireformats}:
 * {@code free-food}, {@code listings}, {@code features}, {@code trading}, {@code anomaly}). A mapping is read once,
 * on first use. Thread-safe.
 */
public final class WireMappings {

    /** Where the shipped mappings are, and the default location. */
    public static final String SHIPPED = "classpath:wireformats";
    private static final String CLASSPATH = "classpath:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final String location;
    private final Map<String, WireMapping> mappings = new ConcurrentHashMap<>();

    /** @param location a directory or {@code classpath:<folder>} holding {@code <name>.yaml} files */
    public WireMappings(String location) {
        this.location = location;
    }

    /** The mapping of that name; throws naming where it was looked for when there is none or it is unusable. */
    public WireMapping named(String name) {
        return mappings.computeIfAbsent(name, this::load);
    }

    private WireMapping load(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" is not a wire format: expected envelope, cloudevents "
                    + "or the name of a mapping file (letters, digits, '.', '_', '-')");
        }
        String file = name + ".yaml";
        for (String folder : location.equals(SHIPPED) ? new String[] { SHIPPED } : new String[] { location, SHIPPED }) {
            Optional<byte[]> content = read(folder, file);
            if (content.isPresent()) {
                return WireMappingReader.read(name, folder + "/" + file, content.get());
            }
        }
        throw new IllegalArgumentException("no wire format mapping \"" + name + "\": looked for " + file + " in "
                + (location.equals(SHIPPED) ? SHIPPED : location + " and " + SHIPPED));
    }

    private static Optional<byte[]> read(String folder, String file) {
        try {
            if (folder.startsWith(CLASSPATH)) {
                String resource = folder.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "") + "/" + file;
                try (InputStream in = WireMappings.class.getClassLoader().getResourceAsStream(resource)) {
                    return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
                }
            }
            Path path = Path.of(folder, file);
            return Files.isRegularFile(path) ? Optional.of(Files.readAllBytes(path)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read wire format mapping " + folder + "/" + file, e);
        }
    }
}
