package io.eventbus.transport.redis.streams;

import io.eventbus.transport.RetryableException;

/**
 * A publish whose entry Redis appended, but that fewer replicas than {@code waitForReplicas} acknowledged within
 * {@code waitTimeout} (or whose acknowledgement cannot be trusted because the connection was lost meanwhile): only
 * the master may hold it, and a failover now would lose it. Retryable: the publisher sends it again, so the entry may
 * end up in the stream twice.
 */
public final class EntryNotReplicatedException extends RetryableException {

    private final long acknowledged;

    EntryNotReplicatedException(String stream, String id, long acknowledged, int asked, long timeoutMillis) {
        super("Redis stream '" + stream + "': entry " + id + " was acknowledged by " + acknowledged + " of the "
                + asked + " replica" + (asked == 1 ? "" : "s") + " asked for (waitForReplicas, "
                + "eventbus.redis.wait-for-replicas) within " + timeoutMillis + " ms; it may be lost if the master "
                + "fails over, so the publish is reported failed: retry it (the retry may duplicate the entry)");
        this.acknowledged = acknowledged;
    }

    EntryNotReplicatedException(String stream, String id, String why, Throwable cause) {
        super("Redis stream '" + stream + "': entry " + id + " was appended but " + why + ", so whether a replica "
                + "has it is unknown and it may be lost if the master fails over: retry the publish (the retry may "
                + "duplicate the entry)", cause);
        this.acknowledged = -1;
    }

    /** How many replicas acknowledged the entry; -1 when unknown. */
    public long acknowledged() {
        return acknowledged;
    }
}
