package io.eventbus.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusComponent;

/**
 * Re-reads the {@code --config} file when it changes and applies what can change without a restart: the subscriber
 * and publisher switches ({@code eventbus.subscribers.*}, {@code eventbus.publishers.*}). Connection settings and
 * the transport are read at start only. A change with an invalid switch value is refused with the key named, and
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
        content = now;
        try {
            context.getPropertiesComponent().reloadProperties("file:" + file);
            context.getComponent("bus", BusComponent.class).getPublisherSwitches().refresh(context);
            subscribers.apply(context);
            status.configReloaded();
            LOG.info("Configuration {} reloaded: subscriber and publisher switches applied", file.getFileName());
        } catch (Exception e) {
            status.failed(file.getFileName().toString(), null, RouteReloader.reasonOf(e));
            LOG.error("Configuration {} not applied: {}", file.getFileName(), RouteReloader.reasonOf(e));
        }
    }
}
