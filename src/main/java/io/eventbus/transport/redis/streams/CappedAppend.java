package io.eventbus.transport.redis.streams;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * {@code XADD} under a hard length cap ({@link RetentionMode#CAP}) that never drops an entry a consumer group still
 * needs. Redis's {@code XADD MAXLEN =} drops the oldest entries whoever has read them; no command checks the
 * groups first, so this is one Lua script, atomic on the server and so correct with any number of publishers:
 * <ol>
 * <li>below the cap ({@code XLEN}), it appends at once, the common case: two commands, no reply but the id;</li>
 * <li>at the cap, it reads every group's position ({@code XINFO GROUPS}, and the smallest pending id from
 * {@code XPENDING} where a group has pending entries), then the oldest entries: those every group has received and
 * acknowledged are trimmed ({@code XTRIM MAXLEN =}), up to {@code headroom} more than needed, so the next publishes
 * take the quick path again;</li>
 * <li>when the entry that would have to go is still needed, nothing is trimmed nor appended, and the publish fails
 * with a {@link StreamCapReachedException} naming the groups that need it.</li>
 * </ol>
 * The script is sent by its SHA-1 ({@code EVALSHA}) and again in full when Redis does not know it ({@code NOSCRIPT},
 * after a restart).
 */
final class CappedAppend {

    /** Error replies of the script start with this code, followed by the stream length and the groups, tab-separated. */
    private static final String REFUSED = "EVENTBUS_CAPPED";

    private static final String SCRIPT = """
            local stream = KEYS[1]
            local cap = tonumber(ARGV[1])
            local length = redis.call('XLEN', stream)
            if length >= cap then
              local function parse(id)
                local dash = string.find(id, '-', 1, true)
                return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
              end
              local function before(a, b)
                local am, as = parse(a)
                local bm, bs = parse(b)
                return am < bm or (am == bm and as < bs)
              end
              local groups = {}
              for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
                local group = {}
                for i = 1, #info, 2 do group[info[i]] = info[i + 1] end
                local oldestPending = false
                if tonumber(group['pending']) > 0 then
                  oldestPending = redis.call('XPENDING', stream, group['name'])[2]
                end
                table.insert(groups, { name = group['name'], delivered = group['last-delivered-id'],
                  pending = oldestPending })
              end
              local function needing(id)
                local names = {}
                for _, group in ipairs(groups) do
                  if before(group.delivered, id) or (group.pending and not before(id, group.pending)) then
                    table.insert(names, group.name)
                  end
                end
                return names
              end
              local room = length - cap + 1
              local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', room + tonumber(ARGV[2]))
              local droppable = 0
              for i, entry in ipairs(oldest) do
                if #needing(entry[1]) > 0 then break end
                droppable = i
              end
              if droppable < room then
                return redis.error_reply('EVENTBUS_CAPPED ' .. length .. '\\t'
                  .. table.concat(needing(oldest[droppable + 1][1]), '\\t'))
              end
              redis.call('XTRIM', stream, 'MAXLEN', length - droppable)
            end
            return redis.call('XADD', stream, '*', unpack(ARGV, 3))
            """;

    private final RedisClusterAsyncCommands<String, byte[]> commands;
    private final long cap;
    private final byte[] capArgument;
    private final byte[] headroom;
    private final String digest;

    /** @param commands the connection to append on: the shared one, or the one publishers that wait for replicas use */
    CappedAppend(RedisClusterAsyncCommands<String, byte[]> commands, long cap) {
        this.commands = commands;
        this.cap = cap;
        this.capArgument = bytes(cap);
        // trims a tenth of the cap at once (at most 1000 entries), so a full stream pays the group check once per
        // that many publishes, not on every one
        this.headroom = bytes(Math.max(0, Math.min(1000, cap / 10)));
        this.digest = commands.digest(SCRIPT);
    }

    /** Appends the fields; fails with {@link StreamCapReachedException} when the stream is full of needed entries. */
    CompletionStage<String> append(String stream, Map<String, byte[]> fields) {
        String[] keys = { stream };
        byte[][] arguments = new byte[2 + 2 * fields.size()][];
        arguments[0] = capArgument;
        arguments[1] = headroom;
        int i = 2;
        for (Map.Entry<String, byte[]> field : fields.entrySet()) {
            arguments[i++] = field.getKey().getBytes(StandardCharsets.UTF_8);
            arguments[i++] = field.getValue();
        }
        CompletableFuture<String> appended = new CompletableFuture<>();
        commands.<byte[]>evalsha(digest, ScriptOutputType.VALUE, keys, arguments).whenComplete((id, failure) -> {
            if (failure != null && isNoScript(failure)) {
                commands.<byte[]>eval(SCRIPT, ScriptOutputType.VALUE, keys, arguments)
                        .whenComplete((again, failedAgain) -> settle(appended, stream, again, failedAgain));
            } else {
                settle(appended, stream, id, failure);
            }
        });
        return appended;
    }

    /** Completes with the entry id, or with the failure: a {@link StreamCapReachedException} when the script refused. */
    private void settle(CompletableFuture<String> appended, String stream, byte[] id, Throwable failure) {
        if (failure == null) {
            appended.complete(new String(id, StandardCharsets.UTF_8));
            return;
        }
        String message = failure.getMessage();
        int code = message == null ? -1 : message.indexOf(REFUSED);
        if (code < 0) {
            appended.completeExceptionally(failure);
            return;
        }
        List<String> parts = Arrays.asList(message.substring(code + REFUSED.length()).trim().split("\t"));
        appended.completeExceptionally(new StreamCapReachedException(stream, Long.parseLong(parts.get(0).trim()),
                cap, parts.subList(1, parts.size())));
    }

    private static boolean isNoScript(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null
                    && t.getMessage().startsWith("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
