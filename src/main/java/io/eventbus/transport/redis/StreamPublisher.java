package io.eventbus.transport.redis;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.XAddArgs;

/**
 * Appends entries to streams with {@code XADD}, applying the configured retention, for the {@code redis-streams}
 * producer and the {@code redis} transport alike. Commands are sent on the client's shared connection without
 * waiting, so concurrent publishers are pipelined; the returned stage completes when Redis has appended the entry.
 * <p>
 * Retention: {@code MAXLEN ~ maxLen} and/or {@code MINID ~ <now - maxAge>} on the {@code XADD} itself; with
 * {@code trimSafely}, no trimming on the {@code XADD} but a {@link SafeStreamTrimmer} per stream instead.
 */
public final class StreamPublisher {

    private final RedisStreamsClient client;
    private final RedisStreamsConfiguration configuration;
    private final Map<String, SafeStreamTrimmer> trimmers = new ConcurrentHashMap<>();

    public StreamPublisher(RedisStreamsClient client, RedisStreamsConfiguration configuration) {
        configuration.validate();
        this.client = client;
        this.configuration = configuration;
    }

    /** Appends the fields as a new entry; the stage completes with the entry id Redis assigned. */
    public CompletionStage<String> publish(String stream, Map<String, byte[]> fields) {
        if (configuration.isTrimSafely()) {
            CompletionStage<String> added = client.commands().xadd(stream, fields);
            trimmers.computeIfAbsent(stream, s -> new SafeStreamTrimmer(client, s, configuration)).published();
            return added;
        }
        return client.commands().xadd(stream, retention(), fields);
    }

    private XAddArgs retention() {
        XAddArgs args = new XAddArgs();
        boolean trims = false;
        if (configuration.getMaxLen() > 0) {
            args.maxlen(configuration.getMaxLen());
            trims = true;
        } else if (configuration.getMaxAge() > 0) {
            args.minId((System.currentTimeMillis() - configuration.getMaxAge()) + "-0");
            trims = true;
        }
        if (trims) {
            args.approximateTrimming(configuration.isApproximateTrimming());
        }
        return args;
    }
}
