package io.eventbus.transport.memory;

import java.time.Clock;

import org.apache.camel.CamelContext;

import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;

/**
 * Creates the in-memory transport from {@code eventbus.memory.capacity} (events per topic, default 10000) and
 * {@code eventbus.memory.publish-timeout} (milliseconds a publish waits for room, default 5000) and
 * {@code eventbus.groups.abandon-after} (milliseconds a group may have no member before it is dropped, default 0:
 * never).
 */
public final class MemoryTransportFactory implements TransportFactory {

    @Override
    public Transport create(CamelContext context, EventBusProperties settings) {
        return new MemoryTransport(context, settings.positiveInt("eventbus.memory.capacity", 10_000),
                settings.nonNegativeLong("eventbus.memory.publish-timeout", 5_000),
                settings.nonNegativeLong("eventbus.groups.abandon-after", 0), Clock.systemUTC());
    }
}
