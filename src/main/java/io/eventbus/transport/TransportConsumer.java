package io.eventbus.transport;

import java.util.Map;

/**
 * A started subscription of one consumer-group member. Each transport names its implementation for that role:
 * {@code MemoryGroupMember}, {@code StreamGroupMember} (Redis), {@code RabbitMqGroupMember}, {@code KafkaGroupMember}.
 */
public interface TransportConsumer {

    /** Starts delivering to the handler. */
    void start();

    /**
     * Stops fetching new deliveries. Deliveries already handed to the handler may still be acknowledged or
     * rejected afterwards (graceful shutdown lets in-flight exchanges finish); those never settled are
     * redelivered to another member.
     */
    void stop();

    /**
     * This member's backlog as the broker sees it, for readiness checks and statistics: {@code pending}
     * (delivered, not acknowledged), {@code lag} (not yet delivered to the group), and what else the broker tells.
     */
    Map<String, Object> details();
}
