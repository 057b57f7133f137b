package io.eventbus.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.redis.streams.RedisStreamsClient;

/**
 * Delayed entries of the {@code redis} transport: a delayed publish to stream {@code S} is a member of the sorted set
 * {@code S:delayed} (on a Redis Cluster {@code {T}:delayed}, in the stream's slot) whose score is its due time in
 * epoch milliseconds and whose member is the entry's fields as a JSON array ({@code ["envelope", "<json>",
 * "event_type", ..., "deliver_at", "<ms>"]}). Redis keeps it like any other key, so it survives restarts of the
 * application and, with Redis's persistence, of Redis.
 * <p>
 * A mover appends the due members to their stream. One Lua script does it for up to {@value #BATCH} members at a time
 * — {@code ZRANGEBYSCORE} up to now, then per member {@code XADD} and {@code ZREM} — atomically on the server, so any
 * number of movers in any number of processes never append a member twice, and a mover that dies mid-way loses
 * nothing: what the script did not remove is still in the set. A member that is not a JSON array of fields (written
 * by someone else) is appended as its {@code envelope} field, so that consumers dead-letter it with the reason
 * rather than the mover stalling on it.
 * <p>
 * When: every {@value #POLL_MILLIS} ms, for each stream this transport consumes or has published a delayed event to —
 * a process consuming a topic thus moves its delayed events even when the process that published them is gone, and a
 * process publishing them moves them even when nobody consumes yet. A poll is one script call per stream, answered
 * from the set's index; a full batch is followed at once by another. An entry is therefore appended up to about
 * {@value #POLL_MILLIS} ms after it is due, never before.
 */
final class RedisDelayedEntries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisDelayedEntries.class);
    static final long POLL_MILLIS = 100;
    static final int BATCH = 500;
    private static final long MOVE_TIMEOUT_MILLIS = 5_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String MOVE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, member in ipairs(due) do
              local ok, fields = pcall(cjson.decode, member)
              if not ok or type(fields) ~= 'table' or #fields < 2 or #fields % 2 ~= 0 then
                fields = { 'envelope', member }
              end
              redis.call('XADD', KEYS[2], '*', unpack(fields))
              redis.call('ZREM', KEYS[1], member)
            end
            return #due
            """;

    private final RedisStreamsClient client;
    private final Set<String> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService mover = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bus-redis-delayed");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean warned;

    RedisDelayedEntries(RedisStreamsClient client) {
        this.client = client;
        mover.scheduleWithFixedDelay(this::moveDue, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The sorted set holding the stream's delayed entries. */
    static String keyOf(String stream) {
        return stream + ":delayed";
    }

    /**
     * Adds the entry to the stream's delayed set at its due time (epoch milliseconds), and moves that stream's due
     * entries from now on; the stage completes when Redis has the member.
     */
    CompletionStage<Long> add(String stream, long due, Map<String, byte[]> fields) {
        byte[] member;
        try {
            List<String> flat = new ArrayList<>(fields.size() * 2);
            fields.forEach((name, value) -> {
                flat.add(name);
                flat.add(new String(value, StandardCharsets.UTF_8));
            });
            member = MAPPER.writeValueAsBytes(flat);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            CompletionStage<Long> added = client.commands().zadd(keyOf(stream), (double) due, member);
            watch(stream);
            return added;
        } catch (RuntimeException unreachable) {
            return CompletableFuture.failedFuture(unreachable);
        }
    }

    /** Moves the stream's due entries from now on (idempotent). */
    void watch(String stream) {
        streams.add(stream);
    }

    private void moveDue() {
        if (!client.isAvailable()) {
            return;
        }
        for (String stream : streams) {
            try {
                long moved;
                do {
                    moved = move(stream);
                } while (moved >= BATCH);
                warned = false;
            } catch (Exception e) {
                if (!warned) {
                    warned = true;
                    LOG.warn("Cannot move due delayed events of stream {} yet ({}); trying again every {} ms", stream,
                            e.getMessage(), POLL_MILLIS);
                }
            }
        }
    }

    private long move(String stream) throws Exception {
        String[] keys = { keyOf(stream), stream };
        byte[] now = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
        byte[] batch = Integer.toString(BATCH).getBytes(StandardCharsets.US_ASCII);
        Long moved = RedisStreamsClient.await(client.commands().<Long>eval(MOVE, ScriptOutputType.INTEGER, keys, now,
                batch).toCompletableFuture(), MOVE_TIMEOUT_MILLIS);
        return moved == null ? 0 : moved;
    }

    @Override
    public void close() {
        mover.shutdownNow();
    }
}
