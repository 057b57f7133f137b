package io.eventbus.runtime;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import picocli.CommandLine.Option;

/** The options every command that talks to the bus shares: the configuration file and the transport. */
final class BusOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file overriding the packaged application.properties (watched while running).")
    Path config;

    @Option(names = "--transport", paramLabel = "NAME",
            description = "memory | redis | rabbitmq | kafka; overrides eventbus.transport.")
    String transport;

    RuntimeConfiguration configuration() {
        return configuration(Map.of());
    }

    /** The configuration, with a command's own options as overrides beside {@code --transport}. */
    RuntimeConfiguration configuration(Map<String, String> commandOverrides) {
        Map<String, String> overrides = new HashMap<>(commandOverrides);
        if (transport != null) {
            overrides.put("eventbus.transport", transport);
        }
        RuntimeConfiguration configuration = new RuntimeConfiguration(config, overrides, System.getenv());
        configuration.checkReadable();
        return configuration;
    }
}
