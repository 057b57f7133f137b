package io.eventbus.reload;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;

/**
 * Re-reads the {@code --config} file when it changes and applies what can change without a restart: the subscriber
 * and publisher switches ({@code eventbus.subscribers.*}, {@code eventbus.publishers.*}). Connection settings and
 * the transport are read at start only: a change to them is logged as waiting for a restart ({@link ConfigChange}). A change with an invalid switch value is refused with the key named, and
 * the switches stay as they were.
 */
public final class ConfigReloader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final CamelContext context;
    private final Path file;
    private final ReloadStatus status;
    private final SubscriberSwitches subscribers;
    private String content;

    public ConfigReloader(CamelContext context, Path file, ReloadStatus status, SubscriberSwitches subscribers)
            throws IOException {
        this.context = context;
        this.file = file.toAbsolutePath().normalize();
        this.status = status;
        this.subscribers = subscribers;
        this.content = Files.readString(this.file);
    }

    /** Applies the file if its content changed since the last scan. */
    public synchronized void scan() {
        String now;
        try {
            now = Files.readString(file);
        } catch (IOException e) {
            return; // being replaced right now; the next scan sees it
        }
        if (now.equals(content)) {
            return;
        }
        ConfigChange change = ConfigChange.between(keysOf(content), keysOf(now));
        content = now;
        try {
            context.getPropertiesComponent().reloadProperties("file:" + file);
            context.getComponent("bus", BusComponent.class).getPublisherSwitches().refresh(context);
            subscribers.apply(context);
            status.configReloaded();
            LOG.info("Configuration {} reloaded: subscriber and publisher switches applied", file.getFileName());
            if (!change.needRestart().isEmpty()) {
                LOG.warn("Configuration {}: {} changed; read at start only, they apply when eventbus run is "
                        + "restarted", file.getFileName(), change.needRestart());
            }
        } catch (Exception e) {
            status.failed(file.getFileName().toString(), null, RouteReloader.reasonOf(e));
            LOG.error("Configuration {} not applied: {}", file.getFileName(), RouteReloader.reasonOf(e));
        }
    }

    private static Map<String, String> keysOf(String content) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(content));
        } catch (IOException | IllegalArgumentException e) {
            return Map.of(); // Camel's own reading of the file reports what is wrong with it
        }
        Map<String, String> keys = new HashMap<>();
        properties.stringPropertyNames().forEach(key -> keys.put(key, properties.getProperty(key).strip()));
        return keys;
    }
}
