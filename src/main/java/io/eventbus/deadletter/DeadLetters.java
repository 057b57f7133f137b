package io.eventbus.deadletter;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.DeadLetterPublisher;
import io.eventbus.bus.OutboundMessages;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.DeadLetterBrowse;
import io.eventbus.transport.DeadLetterSlice;
import io.eventbus.transport.DeadLetterStore;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.StoredDeadLetter;
import io.eventbus.transport.Transport;

/**
 * Dead letters as a product: list, show, count, replay and purge the dead letters of a topic ({@code <topic>.dlq}),
 * on whichever transport the topic is on. The {@code eventbus dlq} commands and the HTTP API call it; every method
 * takes the source topic ({@code listings.raw}) or its dead-letter topic ({@code listings.raw.dlq}) alike.
 * <p>
 * Reading never consumes: it goes through the transport's {@link DeadLetterStore}. A replay republishes each
 * selected dead letter ({@link ReplayedEvent}: same ids, {@code retry_count} + 1, the failure moved into
 * {@code metadata.failure_history}) and removes it from the dead-letter topic only once the broker confirmed the
 * publish: a crash in between replays it twice at worst, never loses it, and idempotent consumers see the same
 * {@code event_id} both times. A dead letter already replayed {@code max_replays} times
 * ({@code eventbus.deadletter.max-replays}) is not replayed but parked on {@code <topic>.parked} for a human.
 * Thread-safe; each call opens its own browse.
 */
public final class DeadLetters {

    private final Function<String, Transport> transports;
    private final EnvelopeCodec codec;
    private final int maxReplays;
    private final int browseLimit;
    private final Clock clock;

    /** The dead letters of a started {@code bus} component's topics, with its settings. */
    public DeadLetters(BusComponent bus) {
        this(bus::transportFor, bus.getValidator().codec(), bus.getMaxReplays(), bus.getDeadLetterBrowseLimit(),
                Clock.systemUTC());
    }

    /**
     * @param transports  the transport of a topic
     * @param maxReplays  replays allowed per event before it is parked
     * @param browseLimit the most entries one call reads from a dead-letter topic
     */
    public DeadLetters(Function<String, Transport> transports, EnvelopeCodec codec, int maxReplays, int browseLimit,
            Clock clock) {
        this.transports = transports;
        this.codec = codec;
        this.maxReplays = maxReplays;
        this.browseLimit = browseLimit;
        this.clock = clock;
    }

    /**
     * The topic whose dead letters the tools read for {@code topic}: its {@code <topic>.dlq}; a dead-letter topic
     * or a parked topic ({@code <topic>.parked}) is read itself.
     */
    public static String deadLetterTopic(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic: required, e.g. listings.raw");
        }
        return DeadLetterTopics.isDeadLetterTopic(topic) || isParked(topic) ? topic
                : DeadLetterTopics.deadLetterTopicOf(topic);
    }

    private static boolean isParked(String topic) {
        return DeadLetterTopics.isParkedTopic(topic);
    }

    /** The topic whose dead letters or parked events {@code topic} names. */
    private static String sourceTopic(String topic) {
        return DeadLetterTopics.sourceTopicOf(deadLetterTopic(topic));
    }

    public int maxReplays() {
        return maxReplays;
    }

    /**
     * Page {@code page} (from 1) of the dead letters matching the filter, newest first, {@code size} per page.
     *
     * @throws IllegalArgumentException when the page or size is below 1, or the topic has no dead-letter topic
     */
    public DeadLetterPage list(String topic, DeadLetterFilter filter, int page, int size) throws Exception {
        if (page < 1) {
            throw new IllegalArgumentException("page: expected 1 or more but was " + page);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size: expected 1 or more but was " + size);
        }
        String dlq = deadLetterTopic(topic);
        Transport transport = transports.apply(dlq);
        try (DeadLetterBrowse browse = browse(transport, dlq)) {
            List<DeadLetter> matching = matching(browse, filter);
            Collections.reverse(matching);
            int from = Math.min(matching.size(), (page - 1) * size);
            int to = Math.min(matching.size(), from + size);
            return new DeadLetterPage(dlq, transport.name(), page, size, matching.size(), matching.subList(from, to),
                    browse.truncated());
        }
    }

    /**
     * The page of the dead letters matching the filter that starts just older than the cursor {@code before} (null:
     * the newest), newest first, {@code size} per page, read server-side ({@link DeadLetterStore#newest}): without a
     * filter only the page's entries are read; with one, entries are read a page at a time until the page is full,
     * the topic ends, or {@code browse-limit} entries were read.
     */
    public DeadLetterCursorPage page(String topic, DeadLetterFilter filter, String before, int size)
            throws Exception {
        if (size < 1) {
            throw new IllegalArgumentException("size: expected 1 or more but was " + size);
        }
        String dlq = deadLetterTopic(topic);
        Transport transport = transports.apply(dlq);
        DeadLetterStore store = store(transport);
        List<DeadLetter> letters = new ArrayList<>();
        String cursor = before;
        int scanned = 0;
        boolean more = true;
        Long total = null;
        while (letters.size() < size && more && (filter.selectsAll() || scanned < browseLimit)) {
            int want = filter.selectsAll() ? size - letters.size() : Math.max(size, 100);
            DeadLetterSlice slice = store.newest(dlq, cursor, want, browseLimit);
            if (total == null && filter.selectsAll()) {
                total = slice.total();
            }
            more = slice.more();
            List<DeadLetterSlice.Item> items = slice.items();
            for (int i = 0; i < items.size(); i++) {
                DeadLetterSlice.Item item = items.get(i);
                scanned++;
                cursor = item.cursorAfter();
                DeadLetter letter = DeadLetter.of(item.entry(), codec);
                if (filter.matches(letter)) {
                    letters.add(letter);
                    if (letters.size() == size) {
                        more = more || i < items.size() - 1;
                        break;
                    }
                }
            }
            if (items.isEmpty()) {
                more = false;
            }
        }
        boolean scanLimit = more && letters.size() < size;
        return new DeadLetterCursorPage(dlq, transport.name(), size, letters, more ? cursor : null, total, scanned,
                scanLimit);
    }

    /**
     * Every dead letter of the event, oldest first (normally one; more when it was dead-lettered again before the
     * first was replayed).
     *
     * @throws NoSuchElementException when the dead-letter topic holds none with that {@code event_id}
     */
    public List<DeadLetter> show(String topic, String eventId) throws Exception {
        if (eventId == null || eventId.isBlank()) {
            throw new IllegalArgumentException("id: required, the event_id of a dead letter");
        }
        String dlq = deadLetterTopic(topic);
        try (DeadLetterBrowse browse = browse(transports.apply(dlq), dlq)) {
            List<DeadLetter> found = matching(browse, DeadLetterFilter.byIds(Set.of(eventId)));
            if (found.isEmpty()) {
                throw new NoSuchElementException("no dead letter with event_id " + eventId + " in " + dlq);
            }
            return found;
        }
    }

    /** Counts of the matching dead letters, by {@code event_type} and by {@code error_type}. */
    public DeadLetterStats stats(String topic, DeadLetterFilter filter) throws Exception {
        String dlq = deadLetterTopic(topic);
        Transport transport = transports.apply(dlq);
        try (DeadLetterBrowse browse = browse(transport, dlq)) {
            Map<String, Integer> byEventType = new TreeMap<>();
            Map<String, Integer> byErrorType = new TreeMap<>();
            List<DeadLetter> matching = matching(browse, filter);
            for (DeadLetter letter : matching) {
                byEventType.merge(String.valueOf(letter.eventType()), 1, Integer::sum);
                byErrorType.merge(String.valueOf(letter.errorType()), 1, Integer::sum);
            }
            return new DeadLetterStats(dlq, transport.name(), matching.size(), byEventType, byErrorType,
                    browse.truncated());
        }
    }

    /**
     * Replays the matching dead letters, oldest first, to {@code targetTopic} or, when null, to the topic each
     * failed on ({@code metadata.dead_lettered_from}). Replaying from a parked topic is a human's decision:
     * {@code max_replays} does not apply there.
     *
     * @param ratePerSecond the most publishes per second; 0 or less for no limit
     * @param dryRun        report what would be done, publish and remove nothing
     */
    public ReplayResult replay(String topic, DeadLetterFilter filter, String targetTopic, double ratePerSecond,
            boolean dryRun) throws Exception {
        return replay(topic, filter, targetTopic, ratePerSecond, dryRun, ProgressListener.NONE);
    }

    /** {@link #replay(String, DeadLetterFilter, String, double, boolean)}, telling the listener as it goes. */
    public ReplayResult replay(String topic, DeadLetterFilter filter, String targetTopic, double ratePerSecond,
            boolean dryRun, ProgressListener progress) throws Exception {
        String dlq = deadLetterTopic(topic);
        String parked = DeadLetterTopics.parkedTopicOf(sourceTopic(topic));
        List<ReplayResult.Outcome> outcomes = new ArrayList<>();
        Pacing pacing = new Pacing(ratePerSecond);
        try (DeadLetterBrowse browse = browse(transports.apply(dlq), dlq)) {
            Map<String, StoredDeadLetter> byPosition = new HashMap<>();
            browse.entries().forEach(e -> byPosition.put(e.position(), e));
            List<DeadLetter> selected = matching(browse, filter);
            progress.selected(selected.size());
            for (DeadLetter letter : selected) {
                progress.settled();
                StoredDeadLetter stored = byPosition.get(letter.position());
                if (maxReplays > 0 && letter.replayCount() >= maxReplays && !isParked(dlq)) {
                    outcomes.add(settle(browse, stored, parkedCopy(letter), parked, dryRun, pacing, letter,
                            ReplayResult.Action.PARKED, letter.replayCount()));
                    continue;
                }
                ReplayedEvent replay = ReplayedEvent.of(letter, codec, Instant.now(clock));
                if (replay.message() == null) {
                    outcomes.add(new ReplayResult.Outcome(letter.eventId(), letter.position(),
                            ReplayResult.Action.NOT_REPLAYABLE, null, letter.replayCount(), replay.notReplayable()));
                    continue;
                }
                String target = targetTopic != null ? targetTopic
                        : letter.deadLetteredFrom() != null ? letter.deadLetteredFrom() : sourceTopic(topic);
                outcomes.add(settle(browse, stored, replay.message(), target, dryRun, pacing, letter,
                        ReplayResult.Action.REPLAYED, letter.replayCount() + 1));
            }
        }
        return new ReplayResult(dlq, dryRun, outcomes);
    }

    /** Publishes the message to the target and, once confirmed, removes the dead letter. */
    private ReplayResult.Outcome settle(DeadLetterBrowse browse, StoredDeadLetter stored, OutboundMessage message,
            String target, boolean dryRun, Pacing pacing, DeadLetter letter, ReplayResult.Action action,
            int replayCount) {
        if (dryRun) {
            return new ReplayResult.Outcome(letter.eventId(), letter.position(), action, target, replayCount, null);
        }
        try {
            pacing.awaitTurn();
            transports.apply(target).bindProducer(target).publish(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ReplayResult.Outcome(letter.eventId(), letter.position(), ReplayResult.Action.FAILED, target,
                    letter.replayCount(), "interrupted before its publish");
        } catch (Exception e) {
            return new ReplayResult.Outcome(letter.eventId(), letter.position(), ReplayResult.Action.FAILED, target,
                    letter.replayCount(), "publish to " + target + " failed: " + e.getMessage());
        }
        try {
            browse.remove(stored);
        } catch (Exception e) {
            // published but still a dead letter: a second replay would publish it again, which consumers deduplicate
            return new ReplayResult.Outcome(letter.eventId(), letter.position(), ReplayResult.Action.FAILED, target,
                    replayCount, "published to " + target + " but not removed from the dead-letter topic: "
                            + e.getMessage());
        }
        return new ReplayResult.Outcome(letter.eventId(), letter.position(), action, target, replayCount, null);
    }

    /** Removes the matching dead letters for good. */
    public PurgeResult purge(String topic, DeadLetterFilter filter, boolean dryRun) throws Exception {
        return purge(topic, filter, dryRun, ProgressListener.NONE);
    }

    /** {@link #purge(String, DeadLetterFilter, boolean)}, telling the listener as it goes. */
    public PurgeResult purge(String topic, DeadLetterFilter filter, boolean dryRun, ProgressListener progress)
            throws Exception {
        String dlq = deadLetterTopic(topic);
        List<String> purged = new ArrayList<>();
        try (DeadLetterBrowse browse = browse(transports.apply(dlq), dlq)) {
            List<StoredDeadLetter> selected = new ArrayList<>();
            List<DeadLetter> letters = new ArrayList<>();
            for (StoredDeadLetter stored : browse.entries()) {
                DeadLetter letter = DeadLetter.of(stored, codec);
                if (filter.matches(letter)) {
                    selected.add(stored);
                    letters.add(letter);
                }
            }
            progress.selected(selected.size());
            for (int i = 0; i < selected.size(); i++) {
                if (!dryRun) {
                    browse.remove(selected.get(i));
                }
                purged.add(letters.get(i).eventId());
                progress.settled();
            }
        }
        return new PurgeResult(dlq, dryRun, purged);
    }

    private DeadLetterBrowse browse(Transport transport, String dlq) throws Exception {
        return store(transport).browse(dlq, browseLimit);
    }

    private static DeadLetterStore store(Transport transport) {
        return transport.deadLetterStore().orElseThrow(() -> new IllegalArgumentException(
                "the " + transport.name() + " transport cannot browse dead letters without consuming them"));
    }

    private List<DeadLetter> matching(DeadLetterBrowse browse, DeadLetterFilter filter) {
        List<DeadLetter> matching = new ArrayList<>();
        for (StoredDeadLetter stored : browse.entries()) {
            DeadLetter letter = DeadLetter.of(stored, codec);
            if (filter.matches(letter)) {
                matching.add(letter);
            }
        }
        return matching;
    }

    /** The dead letter as it is, stamped {@code metadata.parked_at}, for {@code <topic>.parked}. */
    private OutboundMessage parkedCopy(DeadLetter letter) {
        Envelope parked = letter.envelope().copy();
        parked.getMetadata().put(DeadLetterPublisher.PARKED_AT, Instant.now(clock).toString());
        return OutboundMessages.of(parked, codec.encode(parked));
    }

    /** Hears how far a replay or purge got: for progress shown to a person. */
    public interface ProgressListener {
        ProgressListener NONE = new ProgressListener() {
            @Override
            public void selected(int total) {
            }

            @Override
            public void settled() {
            }
        };

        /** The dead letters the work will go through, told once before the first. */
        void selected(int total);

        /** One more dead letter done (replayed, parked, purged, or failed). */
        void settled();
    }

    /** Spaces publishes {@code 1/rate} seconds apart; no limit when the rate is 0 or less. */
    private static final class Pacing {
        private final long intervalNanos;
        private long next = System.nanoTime();

        Pacing(double ratePerSecond) {
            this.intervalNanos = ratePerSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond);
        }

        void awaitTurn() throws InterruptedException {
            if (intervalNanos == 0) {
                return;
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            next = Math.max(next, System.nanoTime()) + intervalNanos;
        }
    }
}
