package io.eventbus.transport.redis;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.models.stream.PendingMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention that never drops an entry some consumer group still needs ({@code trimSafely}). No Redis command offers
 * this: {@code MAXLEN} and {@code MINID} trim regardless of consumer groups, so an entry a lagging group has not read,
 * or has read and not acknowledged, would be lost to it.
 * <p>
 * Every {@code maxLen / 10} publishes (at least every publish for tiny limits), one trim runs in the background:
 * <ol>
 * <li>the lowest id still needed: per group ({@code XINFO GROUPS}), the entry after its {@code last-delivered-id},
 * and its smallest pending id ({@code XPENDING} summary) when it has pending entries;</li>
 * <li>the retention cut: the entry after the {@code XLEN - maxLen} oldest (found with one bounded {@code XRANGE}
 * below the lowest needed id, at most 1000 entries a round), and {@code <now - maxAge>-0};</li>
 * <li>{@code XTRIM MINID} to the larger retention cut, never past the lowest needed id.</li>
 * </ol>
 * Group positions only move forward, so an id computed as needed stays a safe bound until the trim runs. A group
 * created later with {@code startFrom=EARLIEST} can find older entries already trimmed, as with plain retention.
 */
final class SafeStreamTrimmer {

    private static final Logger LOG = LoggerFactory.getLogger(SafeStreamTrimmer.class);
    private static final int MOST_PER_ROUND = 1000;

    private final RedisStreamsClient client;
    private final String stream;
    private final RedisStreamsConfiguration configuration;
    private final long every;
    private final AtomicLong sinceLastTrim = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();

    SafeStreamTrimmer(RedisStreamsClient client, String stream, RedisStreamsConfiguration configuration) {
        this.client = client;
        this.stream = stream;
        this.configuration = configuration;
        this.every = Math.max(1, Math.min(1000, configuration.getMaxLen() / 10));
    }

    /** Counts a publish; starts a background trim when enough have happened and none is running. */
    void published() {
        if (sinceLastTrim.incrementAndGet() >= every) {
            startRound();
        }
    }

    /**
     * Runs one round in the background unless one is running. A round that hit its per-round limit, or during which
     * enough publishes happened, starts the next one, so a busy stream never waits for further publishes to shrink.
     */
    private void startRound() {
        if (!trimming.compareAndSet(false, true)) {
            return;
        }
        sinceLastTrim.set(0);
        client.housekeeping().execute(() -> {
            boolean more = false;
            try {
                more = trim() >= MOST_PER_ROUND;
            } catch (Exception e) {
                LOG.warn("Safe trimming of stream {} failed, retried after the next publishes: {}", stream,
                        e.getMessage());
            } finally {
                trimming.set(false);
            }
            if (more || sinceLastTrim.get() >= every) {
                startRound();
            }
        });
    }

    /** One trimming round; returns how many entries it removed. */
    long trim() throws Exception {
        long timeout = configuration.getPublishTimeout();
        StreamEntryId needed = lowestNeeded(timeout);
        StreamEntryId cut = null;
        if (configuration.getMaxLen() > 0) {
            cut = lengthCut(needed, timeout);
        }
        if (configuration.getMaxAge() > 0) {
            StreamEntryId byAge = StreamEntryId.min(
                    new StreamEntryId(Math.max(0, System.currentTimeMillis() - configuration.getMaxAge()), 0), needed);
            cut = cut == null || byAge.compareTo(cut) > 0 ? byAge : cut;
        }
        if (cut == null) {
            return 0;
        }
        return RedisStreamsClient.await(client.commands().xtrim(stream, new XTrimArgs().minId(cut.toString())),
                timeout);
    }

    /** The lowest entry id some group still needs, or null when the stream has no group. */
    private StreamEntryId lowestNeeded(long timeout) throws Exception {
        StreamEntryId needed = null;
        for (StreamGroupInfo group : client.groups(stream, timeout)) {
            StreamEntryId groupNeeds = StreamEntryId.parse(group.lastDeliveredId()).next();
            if (group.pending() > 0) {
                PendingMessages pending = RedisStreamsClient.await(
                        client.commands().xpending(stream, group.name()), timeout);
                if (pending.getCount() > 0 && pending.getMessageIds().getLower().getValue() != null) {
                    groupNeeds = StreamEntryId.min(groupNeeds,
                            StreamEntryId.parse(pending.getMessageIds().getLower().getValue()));
                }
            }
            needed = StreamEntryId.min(needed, groupNeeds);
        }
        return needed;
    }

    /** The MINID that drops at most {@code XLEN - maxLen} entries, all below {@code needed}; null: nothing to drop. */
    private StreamEntryId lengthCut(StreamEntryId needed, long timeout) throws Exception {
        long excess = client.length(stream, timeout) - configuration.getMaxLen();
        if (excess <= 0) {
            return null;
        }
        long wanted = Math.min(excess, MOST_PER_ROUND);
        Range<String> below = needed == null ? Range.unbounded()
                : Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(needed.toString()));
        List<StreamMessage<String, byte[]>> oldest = RedisStreamsClient.await(
                client.commands().xrange(stream, below, Limit.from(wanted)), timeout);
        if (oldest.isEmpty()) {
            return null;
        }
        if (oldest.size() < wanted && needed != null) {
            return needed;
        }
        return StreamEntryId.parse(oldest.get(oldest.size() - 1).getId()).next();
    }
}
