package io.eventbus.transport;

/**
 * How one consumer-group member binds to a topic.
 *
 * @param group           the consumer group; members of one group compete for events
 * @param consumerName    this member's name within the group, unique per process and endpoint
 * @param concurrency     the most deliveries this member has in flight at once
 * @param redeliveryDelay milliseconds before a rejected delivery is delivered again
 * @param startPosition   where a new group starts reading
 */
public record ConsumerBinding(String group, String consumerName, int concurrency, long redeliveryDelay,
        StartPosition startPosition) {

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
    }
}
