package io.eventbus.transport;

/** Where a consumer group that does not exist yet starts reading a topic. */
public enum StartPosition {
    /** From the oldest event the transport retains (Redis {@code 0}, Kafka {@code earliest}); the default. */
    EARLIEST,
    /** Only events published after the group was created (Redis {@code $}, Kafka {@code latest}). */
    LATEST
}
