package io.eventbus.transport.redis.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Makes a publish succeed only once {@code waitForReplicas} replicas have its entry, with Redis {@code WAIT}:
 * <ul>
 * <li><b>Which writes a WAIT covers.</b> {@code WAIT} waits for every write sent before it on the same connection.
 * Appends and WAITs therefore go on the client's replicated-publishing connection, and a WAIT is sent only after the
 * appends it confirms have been answered.</li>
 * <li><b>One WAIT at a time.</b> A WAIT blocks its connection until the replicas answer, so appends answered while
 * one is out wait for the next, which covers all of them: one replication round trip per batch, not per publish.</li>
 * <li><b>Too few replicas.</b> When WAIT reports fewer replicas than asked (after {@code waitTimeout}), every publish
 * it covers fails with an {@link EntryNotReplicatedException} naming how many acknowledged.</li>
 * <li><b>Connection lost.</b> After a reconnection (a failover, typically) Lettuce re-sends a WAIT that was out, and
 * the new connection has written nothing, so Redis answers at once: that answer says nothing about the appends of
 * the old connection. A publish during which the connection was lost therefore fails, retryable, whatever WAIT
 * said.</li>
 * </ul>
 * The entries of a failed publish are in the stream nonetheless; the retry appends them again (at-least-once).
 */
final class ReplicaAcknowledgements {

    private final RedisStreamsClient client;
    private final RedisClusterAsyncCommands<String, byte[]> commands;
    private final int replicas;
    private final long timeoutMillis;
    private final Object lock = new Object();
    /** Publishes answered since the last WAIT was sent; guarded by {@link #lock}. */
    private List<Pending> answered = new ArrayList<>();
    /** Whether a WAIT is out; guarded by {@link #lock}. */
    private boolean waiting;

    ReplicaAcknowledgements(RedisStreamsClient client, RedisStreamsConfiguration configuration) {
        this.client = client;
        this.commands = RedisStreamsClient.async(client.replicatedPublishing());
        this.replicas = configuration.getWaitForReplicas();
        this.timeoutMillis = configuration.getWaitTimeout();
    }

    /** The commands to append with: those of the connection the WAITs are sent on. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /**
     * Sends the append and completes with its entry id once enough replicas acknowledged it; fails with an
     * {@link EntryNotReplicatedException} otherwise.
     */
    CompletionStage<String> append(String stream, Function<RedisClusterAsyncCommands<String, byte[]>,
            CompletionStage<String>> append) {
        long connection = client.replicatedDisconnects();
        CompletableFuture<String> replicated = new CompletableFuture<>();
        append.apply(commands).whenComplete((id, failure) -> {
            if (failure != null) {
                replicated.completeExceptionally(failure);
                return;
            }
            synchronized (lock) {
                answered.add(new Pending(stream, id, connection, replicated));
                if (!waiting) {
                    sendWait();
                }
            }
        });
        return replicated;
    }

    /** Sends one WAIT for every publish answered so far; called holding {@link #lock}. */
    private void sendWait() {
        List<Pending> covered = answered;
        answered = new ArrayList<>();
        waiting = true;
        CompletionStage<Long> reply;
        try {
            reply = commands.waitForReplication(replicas, timeoutMillis);
        } catch (RuntimeException refused) {
            // Lettuce refuses commands it cannot queue (a full request queue): none of these can be confirmed
            reply = CompletableFuture.failedFuture(refused);
        }
        reply.whenComplete((acknowledged, failure) -> {
            long connection = client.replicatedDisconnects();
            for (Pending pending : covered) {
                pending.settle(acknowledged, failure, connection);
            }
            synchronized (lock) {
                waiting = false;
                if (!answered.isEmpty()) {
                    sendWait();
                }
            }
        });
    }

    private final class Pending {
        final String stream;
        final String id;
        final long connection;
        final CompletableFuture<String> replicated;

        Pending(String stream, String id, long connection, CompletableFuture<String> replicated) {
            this.stream = stream;
            this.id = id;
            this.connection = connection;
            this.replicated = replicated;
        }

        void settle(Long acknowledged, Throwable failure, long connectionNow) {
            if (failure != null) {
                replicated.completeExceptionally(new EntryNotReplicatedException(stream, id,
                        "WAIT failed (" + failure.getMessage() + ")", failure));
            } else if (connectionNow != connection) {
                replicated.completeExceptionally(new EntryNotReplicatedException(stream, id,
                        "the connection to the master was lost before the replicas acknowledged it", null));
            } else if (acknowledged < replicas) {
                replicated.completeExceptionally(new EntryNotReplicatedException(stream, id, acknowledged, replicas,
                        timeoutMillis));
            } else {
                replicated.complete(id);
            }
        }
    }
}
