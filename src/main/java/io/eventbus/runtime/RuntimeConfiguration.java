package io.eventbus.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import io.eventbus.bus.BusComponent;
import io.eventbus.transport.EventBusProperties;

/**
 * Where the runtime's configuration comes from, in increasing precedence: the packaged
 * {@code application.properties}, the {@code --config} file, environment variables ({@code EVENTBUS_TRANSPORT}
 * for {@code eventbus.transport}: upper case, dots and dashes as underscores; Camel resolves these), secrets read
 * from files named by {@code <VARIABLE>_FILE} (Docker and Kubernetes secrets, e.g.
 * {@code EVENTBUS_REDIS_PASSWORD_FILE=/run/secrets/redis_password}), and command-line overrides such as
 * {@code --transport}.
 * <p>
 * A {@code _FILE} variable names its key by the same rule; where dashes make that ambiguous, the key of a typed
 * option or a key the configuration files set wins ({@code EVENTBUS_REDIS_SENTINEL_PASSWORD_FILE} sets
 * {@code eventbus.redis.sentinel-password}, not {@code eventbus.redis.sentinel.password}). A secret file that cannot
 * be read fails the start naming the variable, never the secret.
 */
final class RuntimeConfiguration {

    static final String PACKAGED = "classpath:application.properties";

    private final Path configFile;
    private final Map<String, String> overrides;
    private final Map<String, String> environment;

    RuntimeConfiguration(Path configFile, Map<String, String> overrides, Map<String, String> environment) {
        this.configFile = configFile;
        this.overrides = Map.copyOf(overrides);
        this.environment = environment;
    }

    /** The {@code --config} file, or null. */
    Path configFile() {
        return configFile;
    }

    /**
     * Camel property locations, the {@code --config} file first: Camel answers a key from the first location that
     * has it, so the file listed first overrides the packaged defaults.
     */
    String locations() {
        return configFile == null ? PACKAGED : "file:" + configFile.toAbsolutePath() + "," + PACKAGED;
    }

    /** Fails with the option's name when the {@code --config} file cannot be read. */
    void checkReadable() {
        if (configFile != null && !Files.isReadable(configFile)) {
            throw new IllegalArgumentException("--config " + configFile + ": file not found or not readable");
        }
    }

    /** What overrides every file: secrets from {@code _FILE} variables, then the command line's own options. */
    Properties overrideProperties() {
        Properties properties = new Properties();
        Set<String> known = knownKeys();
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String name = variable.getKey();
            if (name.startsWith("EVENTBUS_") && name.endsWith("_FILE") && !variable.getValue().isBlank()) {
                String bare = name.substring(0, name.length() - "_FILE".length());
                properties.setProperty(keyFor(bare, known), readSecret(name, Path.of(variable.getValue().trim())));
            }
        }
        properties.putAll(overrides);
        return properties;
    }

    /** The environment variable Camel consults for a key: {@code eventbus.redis.password} → {@code EVENTBUS_REDIS_PASSWORD}. */
    static String variableFor(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String keyFor(String variable, Set<String> known) {
        for (String key : known) {
            if (variableFor(key).equals(variable)) {
                return key;
            }
        }
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static String readSecret(String variable, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(variable + ": cannot read the secret file " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The keys of the typed options, and those the packaged file and the {@code --config} file set. */
    private Set<String> knownKeys() {
        Set<String> keys = new HashSet<>();
        BusComponent.SETTINGS.forEach(type -> keys.addAll(EventBusProperties.keysOf(type)));
        try (InputStream packaged = RuntimeConfiguration.class.getResourceAsStream("/application.properties")) {
            if (packaged != null) {
                Properties p = new Properties();
                p.load(packaged);
                keys.addAll(p.stringPropertyNames());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the packaged application.properties", e);
        }
        if (configFile != null && Files.isReadable(configFile)) {
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(reader);
                keys.addAll(p.stringPropertyNames());
            } catch (IOException e) {
                throw new IllegalArgumentException("--config " + configFile + ": " + e.getMessage());
            }
        }
        return keys;
    }
}
