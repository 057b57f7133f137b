package io.eventbus.transport.memory;

import java.util.Map;

import io.eventbus.bus.TransportContractIT;

/** The in-memory transport passes the whole transport contract. */
class MemoryTransportContractIT extends TransportContractIT {

    @Override
    protected Features features() {
        return new Features(false, false);
    }

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "memory");
    }
}
