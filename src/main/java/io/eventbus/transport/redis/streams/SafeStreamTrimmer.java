package io.eventbus.transport.redis.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XTrimArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention that never drops an entry some consumer group still needs, the only retention the stream publisher has.
 * No Redis command offers it: {@code MAXLEN} and {@code MINID} trim regardless of consumer groups, so an entry a
 * lagging group has not read, or has read and not acknowledged, would be lost to it without a word.
 * <p>
 * Every {@code maxLen / 10} publishes (at most 1000, at least 1), one round runs in the background, off the publish
 * path:
 * <ol>
 * <li>the lowest id any group still needs ({@link GroupNeed}: {@code XINFO GROUPS}, and an {@code XPENDING} summary
 * per group with pending entries);</li>
 * <li>length ({@link RetentionMode#TARGET} only; under {@code CAP} the {@link CappedAppend} script keeps it): with
 * approximate trimming one {@code XTRIM MINID ~ <needed> LIMIT <XLEN - maxLen>} — whole radix-tree nodes, never an
 * entry at or past the needed id, never more than the excess, and no entry sent back; with exact trimming, the cut
 * after the {@code XLEN - maxLen} oldest entries below the needed id (one bounded {@code XRANGE}, at most 1000 a
 * round) and {@code XTRIM MINID =} to it;</li>
 * <li>age: {@code XTRIM MINID} to {@code <now - maxAge>}, never past the needed id;</li>
 * <li>what the stream holds past its target because of a group: the {@code held past retention} figure of
 * {@code Transport.stats} and, at most once a minute per stream, a warning naming the group.</li>
 * </ol>
 * A round costs four to five commands per {@code maxLen / 10} publishes, whatever the stream's size. Group positions
 * only move forward, so an id computed as needed stays a safe bound until the trim runs. A group created later with
 * {@code startFrom=EARLIEST} can find older entries already trimmed, as with any retention.
 */
final class SafeStreamTrimmer {

    private static final Logger LOG = LoggerFactory.getLogger(SafeStreamTrimmer.class);
    /** Exact trimming reads the ids it cuts at, so it takes at most this many entries a round. */
    private static final int MOST_EXACT_PER_ROUND = 1000;
    /** Approximate trimming sends no entry back; a larger bound only keeps one XTRIM from holding Redis for long. */
    private static final int MOST_APPROXIMATE_PER_ROUND = 10_000;
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final RedisStreamsClient client;
    private final String stream;
    private final RedisStreamsConfiguration configuration;
    private final boolean trimsLength;
    private final long every;
    private final AtomicLong sinceLastTrim = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;

    SafeStreamTrimmer(RedisStreamsClient client, String stream, RedisStreamsConfiguration configuration) {
        this.client = client;
        this.stream = stream;
        this.configuration = configuration;
        this.trimsLength = configuration.getRetention() == RetentionMode.TARGET && configuration.getMaxLen() > 0;
        this.every = configuration.getMaxLen() > 0 ? Math.max(1, Math.min(1000, configuration.getMaxLen() / 10))
                : 1000;
    }

    /** Whether the configuration asks for any trimming this class does. */
    static boolean needed(RedisStreamsConfiguration configuration) {
        return configuration.getMaxAge() > 0
                || configuration.getRetention() == RetentionMode.TARGET && configuration.getMaxLen() > 0;
    }

    /** Counts a publish; starts a background round when enough have happened and none is running. */
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
                more = trim();
            } catch (Exception e) {
                LOG.warn("Trimming of stream {} failed, retried after the next publishes: {}", stream,
                        e.getMessage());
            } finally {
                trimming.set(false);
            }
            if (more || sinceLastTrim.get() >= every) {
                startRound();
            }
        });
    }

    /** One round; true when it stopped at its per-round limit and more is left to trim. */
    boolean trim() throws Exception {
        long timeout = configuration.getPublishTimeout();
        List<GroupNeed> needs = GroupNeed.read(client, stream, client.groups(stream, timeout), timeout);
        StreamEntryId needed = GroupNeed.lowest(needs);
        boolean more = false;
        if (trimsLength) {
            more = trimLength(needed, timeout);
        }
        if (configuration.getMaxAge() > 0) {
            StreamEntryId byAge = StreamEntryId.min(
                    new StreamEntryId(Math.max(0, System.currentTimeMillis() - configuration.getMaxAge()), 0), needed);
            XTrimArgs args = new XTrimArgs().minId(byAge.toString());
            RedisStreamsClient.await(client.commands().xtrim(stream,
                    configuration.isApproximateTrimming() ? args.approximateTrimming() : args.exactTrimming()),
                    timeout);
        }
        if (!needs.isEmpty() && System.nanoTime() - lastWarning >= WARNING_INTERVAL_NANOS) {
            warnAboutHeldEntries(needs, timeout);
        }
        return more;
    }

    private boolean trimLength(StreamEntryId needed, long timeout) throws Exception {
        long excess = client.length(stream, timeout) - configuration.getMaxLen();
        if (excess <= 0) {
            return false;
        }
        if (configuration.isApproximateTrimming()) {
            long limit = Math.min(excess, MOST_APPROXIMATE_PER_ROUND);
            XTrimArgs args = needed == null ? new XTrimArgs().maxlen(configuration.getMaxLen())
                    : new XTrimArgs().minId(needed.toString());
            long removed = RedisStreamsClient.await(client.commands().xtrim(stream,
                    args.approximateTrimming().limit(limit)), timeout);
            return excess > limit && removed > 0;
        }
        long wanted = Math.min(excess, MOST_EXACT_PER_ROUND);
        Range<String> below = needed == null ? Range.unbounded()
                : Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(needed.toString()));
        List<StreamMessage<String, byte[]>> oldest = RedisStreamsClient.await(
                client.commands().xrange(stream, below, Limit.from(wanted)), timeout);
        if (oldest.isEmpty()) {
            return false;
        }
        StreamEntryId cut = StreamEntryId.parse(oldest.get(oldest.size() - 1).getId()).next();
        RedisStreamsClient.await(client.commands().xtrim(stream, new XTrimArgs().minId(cut.toString()).exactTrimming()),
                timeout);
        return oldest.size() == MOST_EXACT_PER_ROUND && excess > MOST_EXACT_PER_ROUND;
    }

    /**
     * Warns, naming the groups, when the stream holds entries past its targets because they have not read or
     * acknowledged them; at most once a minute, so a group far behind does not flood the log.
     */
    private void warnAboutHeldEntries(List<GroupNeed> needs, long timeout) throws Exception {
        List<String> reasons = new ArrayList<>();
        if (trimsLength) {
            long length = client.length(stream, timeout);
            if (length > configuration.getMaxLen()) {
                StreamEntryId first = client.firstId(stream, timeout);
                for (GroupNeed need : needs) {
                    Long held = need.heldPastRetention(length, configuration.getMaxLen(), first);
                    if (held != null && held > 0) {
                        reasons.add(length + " entries, " + held + " of them beyond its target max-len "
                                + configuration.getMaxLen() + " only because consumer group '" + need.group().name()
                                + "' has not read or acknowledged them (lag " + need.group().lag() + ", pending "
                                + need.group().pending() + ")");
                    }
                }
            }
        }
        if (configuration.getMaxAge() > 0) {
            long cutMillis = System.currentTimeMillis() - configuration.getMaxAge();
            for (GroupNeed need : needs) {
                if (need.needed().millis() < cutMillis && need.group().lag() != null
                        && need.group().lag() + need.group().pending() > 0) {
                    reasons.add("entries older than max-age " + configuration.getMaxAge() + " ms kept for consumer "
                            + "group '" + need.group().name() + "' (its oldest needed entry is "
                            + (System.currentTimeMillis() - need.needed().millis()) / 1000 + " s old)");
                }
            }
        }
        if (!reasons.isEmpty()) {
            lastWarning = System.nanoTime();
            LOG.warn("Redis stream {} holds {}: retention never drops what a group has not read and acknowledged, so "
                    + "the stream grows until it catches up; a group that is gone for good can be deleted with "
                    + "'eventbus groups delete' (repeated at most once a minute)", stream, String.join("; ", reasons));
        }
    }
}
