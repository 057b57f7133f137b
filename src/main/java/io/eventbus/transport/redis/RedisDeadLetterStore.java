package io.eventbus.transport.redis;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;

import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.DeadLetterSlice;
import io.eventbus.transport.DeadLetterSnapshot;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.StoredDeadLetter;
import io.eventbus.transport.redis.streams.RedisStreamsClient;

/**
 * Dead letters of the Redis transport: the stream {@code <prefix><topic>.dlq} read with {@code XRANGE} (pages of
 * {@value #PAGE} entries), which reads without touching any consumer group, and an entry removed with {@code XDEL}.
 * Positions are stream entry ids. Native and honest: nothing is hidden from, or redelivered to, the stream's
 * consumer groups while browsing; a deleted entry that a group has not read yet is never delivered to it.
 */
final class RedisDeadLetterStore implements DeadLetterStore {

    private static final int PAGE = 1000;

    private final RedisStreamsClient client;
    private final RedisTransport transport;
    private final long timeoutMillis;

    RedisDeadLetterStore(RedisStreamsClient client, RedisTransport transport, long timeoutMillis) {
        this.client = client;
        this.transport = transport;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public DeadLetterBrowse browse(String deadLetterTopic, int limit) throws Exception {
        String stream = existingStream(deadLetterTopic);
        List<StoredDeadLetter> entries = new ArrayList<>();
        Range.Boundary<String> from = Range.Boundary.unbounded();
        boolean truncated = false;
        while (true) {
            List<StreamMessage<String, byte[]>> page = RedisStreamsClient.await(client.commands().xrange(stream,
                    Range.from(from, Range.Boundary.unbounded()), Limit.from(PAGE)), timeoutMillis);
            for (StreamMessage<String, byte[]> message : page) {
                if (entries.size() == limit) {
                    truncated = true;
                    break;
                }
                byte[] body = message.getBody().get("envelope");
                entries.add(new StoredDeadLetter(message.getId(), body == null ? new byte[0] : body));
            }
            if (truncated || page.size() < PAGE) {
                break;
            }
            from = Range.Boundary.excluding(page.get(page.size() - 1).getId());
        }
        boolean more = truncated;
        return new DeadLetterSnapshot(entries, more) {
            @Override
            protected void removeAtBroker(StoredDeadLetter entry) throws Exception {
                RedisStreamsClient.await(client.commands().xdel(stream, entry.position()), timeoutMillis);
            }
        };
    }

    /**
     * Reads the page's entries alone: {@code XREVRANGE stream (before - COUNT count+1}, the cursor being an entry id
     * (exclusive ranges need Redis 6.2), and the total from {@code XLEN}.
     */
    @Override
    public DeadLetterSlice newest(String deadLetterTopic, String before, int count, int browseLimit)
            throws Exception {
        String stream = existingStream(deadLetterTopic);
        Range.Boundary<String> upper = Range.Boundary.unbounded();
        if (before != null) {
            if (!before.matches("\\d+-\\d+")) {
                throw new IllegalArgumentException("before: expected a stream entry id such as 1700000000000-0 but "
                        + "was \"" + before + "\"");
            }
            upper = Range.Boundary.excluding(before);
        }
        List<StreamMessage<String, byte[]>> read = RedisStreamsClient.await(client.commands().xrevrange(stream,
                Range.from(Range.Boundary.unbounded(), upper), Limit.from(count + 1)), timeoutMillis);
        long length = RedisStreamsClient.await(client.commands().xlen(stream), timeoutMillis);
        List<DeadLetterSlice.Item> items = new ArrayList<>();
        for (StreamMessage<String, byte[]> message : read.subList(0, Math.min(count, read.size()))) {
            byte[] body = message.getBody().get("envelope");
            items.add(new DeadLetterSlice.Item(new StoredDeadLetter(message.getId(), body == null ? new byte[0] : body),
                    message.getId()));
        }
        return new DeadLetterSlice(items, read.size() > count, length);
    }

    private String existingStream(String deadLetterTopic) throws Exception {
        String stream = transport.streamOf(deadLetterTopic);
        if (RedisStreamsClient.await(client.commands().exists(stream), timeoutMillis) == 0) {
            throw new IllegalArgumentException("no dead-letter stream " + stream + " on Redis at " + client.endpoint()
                    + " (nothing was dead-lettered from " + DeadLetterTopics.sourceTopicOf(deadLetterTopic) + ")");
        }
        return stream;
    }
}
