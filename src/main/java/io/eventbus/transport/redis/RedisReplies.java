package io.eventbus.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.AwaitingReplies;
import io.eventbus.transport.RequestReplyTransport;
import io.eventbus.transport.redis.streams.RedisStreamsClient;

/**
 * Request-reply of the {@code redis} transport: the replies to one running instance's requests arrive on a stream
 * of its own, {@code <streamPrefix>eventbus.replies.<host>-<pid>-<random>}, which its requests name in their
 * {@code reply_to} field.
 * <ul>
 * <li><b>Reading</b>: one thread, started with the first request, reads the stream with a plain blocking
 * {@code XREAD} (no consumer group: nobody else reads it, and a reply is not acknowledged) from its beginning, so
 * that a reply written before the first read is not missed, and hands each reply to the request with its
 * {@code correlation_id} ({@link AwaitingReplies}); a reply nobody waits for any more is dropped.</li>
 * <li><b>Replying</b>: the replier appends the reply with {@code XADD MAXLEN ~ 1000} and sets the stream to
 * expire {@value #RETENTION_MILLIS} ms after its last reply, in one script: a stream whose instance died without
 * deleting it is gone a few minutes later, and a busy one never holds more than about a thousand replies. It
 * writes only to names of reply streams, so a {@code reply_to} cannot make it write into a topic.</li>
 * <li><b>Closing</b>: the reader stops, the waiting requests fail at once, and the stream is deleted
 * ({@code DEL}); a late reply re-creates it, to expire with it.</li>
 * </ul>
 */
final class RedisReplies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisReplies.class);
    /** How long a reply stream outlives its last reply: far above any sensible requestTimeout. */
    static final long RETENTION_MILLIS = 300_000;
    private static final int MAX_LEN = 1000;
    private static final long BLOCK_MILLIS = 1000;
    private static final long COMMAND_TIMEOUT = 10_000;
    private static final String APPEND = """
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return id
            """;

    private final RedisStreamsClient client;
    private final String stream;
    private final AwaitingReplies awaiting = new AwaitingReplies();
    private volatile boolean running;
    private volatile boolean closed;
    private volatile StatefulConnection<String, byte[]> connection;
    private Thread reader;

    /** @param streamPrefix the transport's prefix of stream names */
    RedisReplies(RedisStreamsClient client, String streamPrefix) {
        this.client = client;
        this.stream = streamPrefix + AwaitingReplies.newReplyName();
    }

    /** The stream this instance's replies arrive on: its requests' {@code reply_to}. */
    String stream() {
        return stream;
    }

    /** Registers a request about to be published, starting the reader on the first. */
    CompletableFuture<byte[]> expect(String correlationId) {
        startReading();
        return awaiting.expect(correlationId);
    }

    byte[] await(String correlationId, CompletableFuture<byte[]> reply, long timeoutMillis) throws Exception {
        return awaiting.await(correlationId, reply, timeoutMillis);
    }

    void forget(String correlationId, CompletableFuture<byte[]> reply) {
        awaiting.forget(correlationId, reply);
    }

    /** Appends a reply to the requester's reply stream; returns once Redis has it. */
    static void send(RedisStreamsClient client, String replyTo, Map<String, byte[]> fields) throws Exception {
        if (!AwaitingReplies.isReplyName(replyTo)) {
            throw new IllegalArgumentException("reply_to '" + replyTo + "' names no reply stream (they contain '"
                    + AwaitingReplies.REPLY_NAME_PREFIX + "'); not replying");
        }
        List<byte[]> args = new ArrayList<>(2 + 2 * fields.size());
        args.add(bytes(String.valueOf(MAX_LEN)));
        args.add(bytes(String.valueOf(RETENTION_MILLIS)));
        fields.forEach((name, value) -> {
            args.add(bytes(name));
            args.add(value);
        });
        RedisStreamsClient.await(client.commands().eval(APPEND, ScriptOutputType.VALUE, new String[] { replyTo },
                args.toArray(byte[][]::new)), COMMAND_TIMEOUT);
    }

    private synchronized void startReading() {
        if (closed) {
            throw new IllegalStateException("the redis transport is closed");
        }
        if (running) {
            return;
        }
        client.requireAvailable();
        running = true;
        reader = new Thread(this::readLoop, "redis-replies-" + stream);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            readUntilClosed();
        } finally {
            StatefulConnection<String, byte[]> reading = connection;
            if (reading != null) {
                reading.closeAsync();
            }
        }
    }

    private void readUntilClosed() {
        String lastId = "0-0";
        long backoff = 0;
        while (running) {
            try {
                if (connection == null) {
                    connection = client.dedicatedConnection();
                }
                List<StreamMessage<String, byte[]>> entries = RedisStreamsClient.await(RedisStreamsClient
                        .async(connection).xread(XReadArgs.Builder.count(100).block(BLOCK_MILLIS),
                                XReadArgs.StreamOffset.from(stream, lastId)), BLOCK_MILLIS + COMMAND_TIMEOUT);
                for (StreamMessage<String, byte[]> entry : entries) {
                    lastId = entry.getId();
                    Map<String, byte[]> fields = entry.getBody();
                    byte[] correlationId = fields == null ? null : fields.get(RequestReplyTransport.CORRELATION_ID);
                    byte[] body = fields == null ? null : fields.get("envelope");
                    if (correlationId != null && body != null) {
                        awaiting.complete(new String(correlationId, StandardCharsets.UTF_8), body);
                    }
                }
                backoff = 0;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                backoff = backoff == 0 ? 100 : Math.min(5_000, backoff * 2);
                LOG.warn("Reading the reply stream {} at {} failed, retrying in {} ms: {}", stream, client.endpoint(),
                        backoff, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            running = false;
        }
        StatefulConnection<String, byte[]> reading = connection;
        if (reading != null) {
            reading.closeAsync();
        }
        Thread stopping = reader;
        if (stopping != null) {
            try {
                stopping.join(BLOCK_MILLIS + COMMAND_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                RedisStreamsClient.await(client.commands().del(stream), COMMAND_TIMEOUT);
            } catch (Exception e) {
                LOG.debug("Deleting the reply stream {} failed; it expires by itself: {}", stream, e.getMessage());
            }
        }
        awaiting.failAll("the redis transport closed before the reply came");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
