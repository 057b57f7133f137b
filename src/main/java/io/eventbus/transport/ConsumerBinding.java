package io.eventbus.transport;

import java.util.List;

/**
 * How one consumer-group member binds to a topic.
 *
 * @param group           the consumer group; members of one group compete for events
 * @param consumerName    this member's name within the group, unique per process and endpoint
 * @param concurrency     the most deliveries this member has in flight at once
 * @param redeliveryDelay milliseconds before a rejected delivery is delivered again
 * @param startPosition   where a new group starts reading
 * @param bindingKeys     the routing-key patterns the group's queue is bound with, empty for the transport's
 *                        default (the topic); only a transport that {@link Transport#honours honours}
 *                        {@link TransportOption#BINDING_KEY} is given any
 */
public record ConsumerBinding(String group, String consumerName, int concurrency, long redeliveryDelay,
        StartPosition startPosition, List<String> bindingKeys) {

    /** A binding with the transport's default binding key. */
    public ConsumerBinding(String group, String consumerName, int concurrency, long redeliveryDelay,
            StartPosition startPosition) {
        this(group, consumerName, concurrency, redeliveryDelay, startPosition, List.of());
    }

    public ConsumerBinding {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("group must not be empty");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1 but was " + concurrency);
        }
        if (redeliveryDelay < 0) {
            throw new IllegalArgumentException("redeliveryDelay must be >= 0 but was " + redeliveryDelay);
        }
        bindingKeys = bindingKeys == null ? List.of() : List.copyOf(bindingKeys);
    }
}
