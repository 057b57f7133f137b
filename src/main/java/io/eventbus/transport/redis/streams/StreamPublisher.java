package io.eventbus.transport.redis.streams;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appends entries to streams with {@code XADD}, applying the configured retention, for the {@code redis-streams}
 * producer and the {@code redis} transport alike. Commands are sent on the client's shared connection without
 * waiting, so concurrent publishers are pipelined; the returned stage completes when Redis has appended the entry.
 * <p>
 * Retention never drops an entry a consumer group has not read and acknowledged. Under {@link RetentionMode#TARGET}
 * (the default) the {@code XADD} carries no trimming and a {@link SafeStreamTrimmer} per stream trims in the
 * background; under {@link RetentionMode#CAP} every append is a {@link CappedAppend}, refused when the stream is full
 * of entries some group still needs.
 * <p>
 * With {@code waitForReplicas} above 0 a publish completes only once that many replicas have the entry (see
 * {@link ReplicaAcknowledgements}); its appends then go on the client's replicated-publishing connection instead of
 * the shared one. With 0 (the default) nothing waits for replicas and nothing else changes.
 */
public final class StreamPublisher {

    private final RedisStreamsClient client;
    private final RedisStreamsConfiguration configuration;
    /** Null unless publishes are capped; made on the first publish, which needs Redis. */
    private volatile CappedAppend capped;
    /** Null unless publishes wait for replicas; made on the first publish, which needs Redis. */
    private volatile ReplicaAcknowledgements replicas;
    private volatile boolean prepared;
    private final boolean trims;
    private final Map<String, SafeStreamTrimmer> trimmers = new ConcurrentHashMap<>();

    /** Needs no connection: Redis may be out of reach (see {@link RedisStreamsClient}). */
    public StreamPublisher(RedisStreamsClient client, RedisStreamsConfiguration configuration) {
        configuration.validate();
        this.client = client;
        this.configuration = configuration;
        this.trims = SafeStreamTrimmer.needed(configuration);
    }

    /**
     * Appends the fields as a new entry; the stage completes with the entry id Redis assigned, once the replicas asked
     * for have it. While Redis has never been reached it fails at once with a {@code RetryableException}.
     */
    public CompletionStage<String> publish(String stream, Map<String, byte[]> fields) {
        CompletionStage<String> added;
        try {
            prepare();
            if (replicas != null) {
                added = replicas.append(stream, commands -> capped != null ? capped.append(stream, fields)
                        : commands.xadd(stream, fields));
            } else {
                added = capped != null ? capped.append(stream, fields) : client.commands().xadd(stream, fields);
            }
        } catch (RuntimeException unreachable) {
            return CompletableFuture.failedFuture(unreachable);
        }
        if (trims) {
            trimmers.computeIfAbsent(stream, s -> new SafeStreamTrimmer(client, s, configuration)).published();
        }
        return added;
    }

    private void prepare() {
        if (prepared) {
            return;
        }
        synchronized (this) {
            if (!prepared) {
                client.requireAvailable();
                replicas = configuration.getWaitForReplicas() > 0
                        ? new ReplicaAcknowledgements(client, configuration) : null;
                capped = configuration.getRetention() == RetentionMode.CAP ? new CappedAppend(
                        replicas != null ? replicas.commands() : client.commands(), configuration.getMaxLen()) : null;
                prepared = true;
            }
        }
    }
}
