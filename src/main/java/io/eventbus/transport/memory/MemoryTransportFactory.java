package io.eventbus.transport.memory;

import java.time.Clock;

import org.apache.camel.CamelContext;

import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.SharedSettings;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportFactory;

/**
 * Creates the in-memory transport from its {@link MemorySettings} and {@code eventbus.groups.abandon-after}
 * (milliseconds a group may have no member before it is dropped, default 0: never).
 */
public final class MemoryTransportFactory implements TransportFactory {

    @Override
    public Transport create(CamelContext context, EventBusProperties settings) {
        MemorySettings memory = settings.settings(MemorySettings.class);
        return new MemoryTransport(context, memory.getMemoryCapacity(), memory.getMemoryPublishTimeout(),
                settings.settings(SharedSettings.class).getGroupsAbandonAfter(), Clock.systemUTC());
    }
}
