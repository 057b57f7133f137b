package io.eventbus.bus;

import java.util.function.BiConsumer;

/**
 * A bean that routes events to topics and can say which events no topic wanted (the {@code routing} package's
 * {@code RoutingTable}). The {@code bus} component finds such beans in the Camel registry, when it starts and
 * whenever a {@code bus:} endpoint is created (a route file binds its beans before its routes' endpoints), and
 * tells its observer of each such event as {@code unroutable} with reason {@code routing_table}.
 */
public interface UnroutableReporter {

    /**
     * Adds a listener told, for each event without a route, the topic it went to instead and its event type.
     * Adding the same listener twice is ignored.
     */
    void addUnroutableListener(BiConsumer<String, String> listener);
}
