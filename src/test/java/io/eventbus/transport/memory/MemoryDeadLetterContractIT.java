package io.eventbus.transport.memory;

import java.util.Map;

import io.eventbus.deadletter.DeadLetterContractIT;

/** Dead letters of the in-memory transport: browsed from the topic log, removed by marking offsets. */
class MemoryDeadLetterContractIT extends DeadLetterContractIT {

    @Override
    protected Map<String, String> transportProperties() {
        return Map.of("eventbus.transport", "memory");
    }
}
