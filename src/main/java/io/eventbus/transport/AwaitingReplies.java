package io.eventbus.transport;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The requests of one transport instance that wait for their reply, by {@code correlation_id}: the part of
 * request-reply that is the same whatever carries the replies (a Redis stream, a Kafka topic). The requester
 * {@link #expect}s a correlation id before it publishes the request, the reader of its replies {@link #complete}s
 * it, and {@link #await} forgets it whether the reply came or not, so a late reply finds nobody and is dropped.
 * <p>
 * Two outstanding requests of one instance cannot share a correlation id (a reply could not tell them apart): the
 * second is refused. The bus gives a request its {@code event_id} as correlation id unless the caller set one.
 */
public final class AwaitingReplies {

    /**
     * What the name of every per-instance reply stream or topic starts with (after the transport's own prefix). A
     * replier writes only to such names, so a {@code reply_to} header cannot make it write into a topic.
     */
    public static final String REPLY_NAME_PREFIX = "eventbus.replies.";

    private final Map<String, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();

    /**
     * A new name for this instance's replies: {@link #REPLY_NAME_PREFIX}{@code <host>-<pid>-<random>}, unique per
     * running instance and telling an operator whose it is; only letters, digits, {@code _}, {@code -} and
     * {@code .}, so it is a valid Kafka topic name too.
     */
    public static String newReplyName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost").replaceAll("[^A-Za-z0-9_-]", "_");
        return REPLY_NAME_PREFIX + host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Whether a {@code reply_to} names a reply stream or topic (see {@link #REPLY_NAME_PREFIX}). */
    public static boolean isReplyName(String replyTo) {
        return replyTo != null && replyTo.contains(REPLY_NAME_PREFIX);
    }

    /** Registers the request; its reply completes the returned future. */
    public CompletableFuture<byte[]> expect(String correlationId) {
        if (correlationId == null) {
            throw new IllegalArgumentException("a request needs a correlation_id to be matched to its reply");
        }
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        if (waiting.putIfAbsent(correlationId, reply) != null) {
            throw new IllegalStateException("a request with correlation_id " + correlationId + " is already waiting "
                    + "for its reply; concurrent requests need correlation ids of their own");
        }
        return reply;
    }

    /** Hands the reply to the request waiting for it; false when none does (it timed out, or it is not ours). */
    public boolean complete(String correlationId, byte[] body) {
        CompletableFuture<byte[]> reply = correlationId == null ? null : waiting.remove(correlationId);
        return reply != null && reply.complete(body);
    }

    /**
     * Waits for the reply and forgets the request either way.
     *
     * @throws TimeoutException when no reply came within the timeout
     */
    public byte[] await(String correlationId, CompletableFuture<byte[]> reply, long timeoutMillis) throws Exception {
        try {
            return reply.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no reply within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            forget(correlationId, reply);
        }
    }

    /** Forgets the request (its publish failed, say) unless another took its place. */
    public void forget(String correlationId, CompletableFuture<byte[]> reply) {
        waiting.remove(correlationId, reply);
    }

    /** Fails every waiting request at once: the transport is closing and no reply can reach them any more. */
    public void failAll(String why) {
        for (String correlationId : waiting.keySet()) {
            CompletableFuture<byte[]> reply = waiting.remove(correlationId);
            if (reply != null) {
                reply.completeExceptionally(new IllegalStateException(why));
            }
        }
    }
}
