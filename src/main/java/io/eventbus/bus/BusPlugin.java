package io.eventbus.bus;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Something that starts and stops with the {@code bus} component and watches it, without the bus depending on it:
 * the {@code observability} package's meters, event notifier and backlog gauges are one. The component finds its
 * plug-ins with the JDK's {@link java.util.ServiceLoader} ({@code META-INF/services/io.eventbus.bus.BusPlugin}), a
 * new instance of each every time it starts, so a plug-in on the class path is on.
 */
public interface BusPlugin {

    /**
     * Called while the component starts, once its transports, validator and dead-letter publisher exist and before
     * any {@code bus:} consumer subscribes. Returns who the bus tells of what it does with events, or
     * {@link BusObserver#NONE}. A plug-in that fails to start fails the component's start.
     */
    BusObserver start(BusComponent bus) throws Exception;

    /**
     * Middlewares this plug-in offers by name, for {@code eventbus.middleware} (a new instance per consumer); none
     * by default. Asked only after {@link #start}.
     */
    default Map<String, Supplier<BusMiddleware>> middlewares() {
        return Map.of();
    }

    /** Called while the component stops, before its transports close. */
    void stop() throws Exception;
}
