package io.eventbus.transport.redis.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.models.stream.PendingMessages;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.DeliveryHandler;
import io.eventbus.transport.DeliveryWorkers;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.TransportConsumer;

/**
 * One member of a Redis consumer group reading one stream: the consumer loop shared by the {@code redis-streams:}
 * component's consumer and the {@code redis} transport behind {@code bus:}.
 * <ul>
 * <li><b>Reading</b>: a dedicated connection runs {@code XREADGROUP GROUP g c COUNT n BLOCK b STREAMS s >}. At most
 * {@code max(prefetch, concurrency)} entries are held (read, not yet settled) at once; {@code concurrency}
 * {@link DeliveryWorkers} take them in the order read, so in-flight work never exceeds the concurrency and, with 1,
 * entries are processed in stream order.</li>
 * <li><b>Acknowledging</b>: {@link StreamDelivery#ack()} queues an {@code XACK}; acknowledgements are batched and
 * pipelined by a {@link StreamAcknowledger}.</li>
 * <li><b>Redelivery</b>: {@link StreamDelivery#reject()} leaves the entry pending; after {@code redeliveryDelay} this
 * member takes it again with {@code XCLAIM} (which counts the delivery) and hands it on with the delivery count
 * read from {@code XPENDING}.</li>
 * <li><b>Dead members</b>: every {@code claimInterval}, {@code XAUTOCLAIM} takes entries pending longer than
 * {@code claimMinIdle} at any member of the group, with their {@code XPENDING} delivery count.</li>
 * <li><b>Stopping</b>: the read stops at once; work in hand finishes; entries held but not processed, and rejected
 * ones waiting for redelivery, are released with {@code XCLAIM ... IDLE} so that the next member's
 * {@code XAUTOCLAIM} takes them at once instead of after {@code claimMinIdle}. A member left with nothing pending
 * removes itself from the group ({@code XGROUP DELCONSUMER}).</li>
 * <li><b>Failures</b>: {@code NOGROUP} (stream deleted, Redis restarted without persistence) re-creates the group
 * from {@code 0} with {@code MKSTREAM}, so nothing published afterwards is missed; other errors (connection lost)
 * are retried with exponential back-off up to 5 s while Lettuce reconnects. Nothing is acknowledged that was not
 * settled, so a lost connection costs redeliveries, never events.</li>
 * <li><b>Redis out of reach at start</b>: the member starts all the same; the group is created when the client first
 * reaches Redis, before anything can be published through it, and the reads begin then.</li>
 * </ul>
 */
public final class StreamGroupMember implements TransportConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(StreamGroupMember.class);
    /** The idle time released entries are given: above any sensible {@code claimMinIdle}. */
    private static final Duration RELEASED_IDLE = Duration.ofDays(365);
    private static final long COMMAND_TIMEOUT = 10_000;
    private static final long MAX_BACKOFF = 5_000;
    /** How often a member waiting for Redis to be reached looks whether it has been. */
    private static final long ATTACH_POLL = 100;
    private static final AtomicInteger MEMBERS = new AtomicInteger();

    private final CamelContext context;
    private final RedisStreamsClient client;
    private final String stream;
    private final String group;
    private final RedisStreamsConfiguration configuration;
    private final DeliveryHandler handler;
    private final Consumer<String> member;
    /** Free places of the window of {@code max(prefetch, concurrency)}; see {@link #acquireSlots}. */
    private final ReadWindow slots;
    /** Ids this member holds: read or claimed, not yet acknowledged or released. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /** Ids handed to the handler and not settled yet: their exchanges are running. */
    private final Set<String> processing = ConcurrentHashMap.newKeySet();
    /** Rejected deliveries waiting for their redelivery delay. */
    private final Set<StreamDelivery> awaitingRedelivery = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<StreamDelivery> dueRedeliveries = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> released = new ConcurrentLinkedQueue<>();
    /** Entries read or claimed and not yet taken by a worker, in that order. */
    private final LinkedBlockingQueue<StreamDelivery> ready = new LinkedBlockingQueue<>();
    private final StreamAcknowledger acknowledger;
    private volatile boolean running;
    /** The blocking reads' connection, opened by the reader once Redis has been reached. */
    private volatile StatefulConnection<String, byte[]> readConnection;
    /** Whether Redis was out of reach when this member started, so that attaching is worth a line at INFO. */
    private volatile boolean attachedLate;
    private Thread readerThread;
    private DeliveryWorkers workers;
    private ScheduledExecutorService scheduler;

    /**
     * @param configuration the consumer options; {@code group} must be set, {@code consumer} defaults to
     *                      {@code <host>-<pid>-<n>}
     */
    public StreamGroupMember(CamelContext context, RedisStreamsClient client, String stream,
            RedisStreamsConfiguration configuration, DeliveryHandler handler) {
        configuration.validate();
        if (configuration.getGroup() == null || configuration.getGroup().isBlank()) {
            throw new IllegalArgumentException("group: a consumer of stream " + stream + " needs a consumer group");
        }
        this.context = context;
        this.client = client;
        this.stream = stream;
        this.group = configuration.getGroup();
        this.configuration = configuration;
        this.handler = handler;
        String name = configuration.getConsumer() != null ? configuration.getConsumer() : defaultConsumerName();
        this.member = Consumer.from(group, name);
        int window = Math.max(configuration.getPrefetch(), configuration.getConcurrency());
        this.slots = new ReadWindow(window, Math.max(1, Math.min(configuration.getCount(), window / 2)));
        this.acknowledger = new StreamAcknowledger(client, stream, group);
    }

    /** {@code <host>-<pid>-<n>}: unique per process and consumer, and telling which process holds an entry. */
    public static String defaultConsumerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "-" + ProcessHandle.current().pid() + "-" + MEMBERS.incrementAndGet();
    }

    public String stream() {
        return stream;
    }

    public String group() {
        return group;
    }

    public String consumerName() {
        return member.getName();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        readConnection = null;
        attachedLate = !client.isAvailable();
        // at once when Redis has been reached; else when it is, before anything can be published to it
        client.whenConnected(this::prepareGroup);
        String name = "redis-streams-" + stream + "-" + member.getName();
        workers = new DeliveryWorkers(context, this, name, configuration.getConcurrency(), this::nextReady, handler,
                "stream " + stream);
        workers.start();
        scheduler = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                name + "-redeliveries");
        readerThread = new Thread(this::readLoop, name + "-reader");
        readerThread.setDaemon(true);
        readerThread.start();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        StatefulConnection<String, byte[]> reading = readConnection;
        closeReadConnection();
        try {
            readerThread.join(configuration.getBlock() + COMMAND_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (readConnection != reading) {
            closeReadConnection(); // the reader opened it while stopping
        }
        context.getExecutorServiceManager().shutdownNow(scheduler);
        try {
            // a redelivery or claim in progress ends before the sweep below looks at what this member holds
            scheduler.awaitTermination(COMMAND_TIMEOUT, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // exchanges in hand finish and settle; entries no worker took are given back
        workers.stopAndWait();
        StreamDelivery waitingForWorker;
        while ((waitingForWorker = ready.poll()) != null) {
            release(waitingForWorker.id());
        }
        for (StreamDelivery waiting : awaitingRedelivery) {
            released.add(waiting.id());
        }
        awaitingRedelivery.clear();
        dueRedeliveries.clear();
        releaseToGroup();
        try {
            // acknowledgements first: an entry whose XACK is still queued must not be given back as unprocessed
            acknowledger.awaitSent(COMMAND_TIMEOUT);
            releaseUnheldPending();
            leaveGroupIfNothingPending();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Leaving group {} of stream {} failed: {}", group, stream, e.getMessage());
        }
    }

    /** This member and its group as Redis reports them: {@code pending}, {@code lag}, {@code consumers}, ... */
    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stream", stream);
        details.put("consumer", member.getName());
        details.put("held", held.size());
        try {
            details.put("length", client.length(stream, COMMAND_TIMEOUT));
            for (StreamGroupInfo info : client.groups(stream, COMMAND_TIMEOUT)) {
                if (info.name().equals(group)) {
                    details.put("pending", info.pending());
                    if (info.lag() != null) {
                        details.put("lag", info.lag());
                    }
                    details.put("consumers", info.consumers());
                }
            }
        } catch (Exception e) {
            details.put("error", e.getMessage());
        }
        return details;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads, and claims idle entries when a claim round is due, with the same room: a separate claimer would compete
     * with the read for it and starve whenever the read holds it, blocked waiting for new entries.
     */
    private void readLoop() {
        long backoff = 0;
        long nextClaim = System.nanoTime();
        // the read comes back at least once per claim interval, so that claim rounds happen on time
        long block = Math.max(1, Math.min(configuration.getBlock(), configuration.getClaimInterval()));
        while (running) {
            if (readConnection == null && !openReadConnection()) {
                continue;
            }
            int wanted;
            try {
                wanted = acquireSlots();
            } catch (InterruptedException e) {
                return;
            }
            if (wanted == 0) {
                continue;
            }
            int dispatched = 0;
            try {
                if (System.nanoTime() - nextClaim >= 0) {
                    nextClaim = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(configuration.getClaimInterval());
                    dispatched += claimIdleEntries(wanted);
                    if (dispatched == wanted) {
                        continue;
                    }
                }
                List<StreamMessage<String, byte[]>> entries = RedisStreamsClient.await(RedisStreamsClient.async(readConnection)
                        .xreadgroup(member, XReadArgs.Builder.count(wanted - dispatched).block(block),
                                XReadArgs.StreamOffset.lastConsumed(stream)),
                        block + COMMAND_TIMEOUT);
                for (StreamMessage<String, byte[]> entry : entries) {
                    if (entry.getBody() != null) {
                        dispatch(new StreamDelivery(this, entry.getId(), entry.getBody(),
                                configuration.getBodyField(), 1));
                        dispatched++;
                    }
                }
                if (backoff > 0) {
                    LOG.info("Reading stream {} as {} of group {} again", stream, member.getName(), group);
                }
                backoff = 0;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (RedisStreamsClient.isNoGroup(e)) {
                    recreateGroup();
                } else {
                    backoff = backoff == 0 ? 100 : Math.min(MAX_BACKOFF, backoff * 2);
                    LOG.warn("Reading stream {} at {} failed, retrying in {} ms: {}", stream, client.endpoint(),
                            backoff, e.getMessage());
                    sleep(backoff);
                }
            } finally {
                slots.release(wanted - dispatched);
            }
        }
    }

    /**
     * Opens the connection of the blocking reads once the client has reached Redis; until then waits a moment and
     * says nothing (the client said once that Redis is out of reach). False when there is no connection yet.
     */
    private boolean openReadConnection() {
        if (!client.isAvailable()) {
            sleep(ATTACH_POLL);
            return false;
        }
        try {
            readConnection = client.dedicatedConnection();
        } catch (RuntimeException e) {
            LOG.warn("Cannot open the read connection of stream {} at {}, retrying in {} ms: {}", stream,
                    client.endpoint(), MAX_BACKOFF, e.getMessage());
            sleep(MAX_BACKOFF);
            return false;
        }
        if (attachedLate) {
            LOG.info("Reading stream {} at {} as {} of group {}", stream, client.endpoint(), member.getName(), group);
        }
        return true;
    }

    private void closeReadConnection() {
        StatefulConnection<String, byte[]> connection = readConnection;
        if (connection != null) {
            connection.closeAsync();
        }
    }

    /** Creates the group (from the start position) and this member; the read loop re-creates a group that is gone. */
    private void prepareGroup() {
        if (!running) {
            return;
        }
        try {
            createGroup(configuration.getStartFrom() == StartPosition.LATEST ? "$" : "0");
            RedisStreamsClient.await(client.commands().xgroupCreateconsumer(stream, member), COMMAND_TIMEOUT);
        } catch (Exception e) {
            // the read loop creates the group when it reads (NOGROUP)
            LOG.warn("Cannot prepare group {} of stream {} at {} yet, retrying in the background: {}", group, stream,
                    client.endpoint(), e.getMessage());
        }
    }

    /**
     * Waits briefly until a full read ({@code count}, or half the window when that is less) is free, then takes as
     * much as one read may fetch; 0 when there is no room yet. Not as soon as one entry settled: that made a busy
     * consumer send an {@code XREADGROUP} for every few entries. And with a window of several reads (the prefetch),
     * the workers still have entries in hand while the next read is on its way: with a window of one read they ran
     * dry behind every {@code XREADGROUP} while Redis was busy with publishers.
     */
    private int acquireSlots() throws InterruptedException {
        return slots.take(configuration.getCount(), 100, TimeUnit.MILLISECONDS);
    }

    private void dispatch(StreamDelivery delivery) {
        held.add(delivery.id());
        ready.add(delivery);
    }

    /** A worker's next entry; one taken while stopping is given back instead, as no exchange will run for it. */
    private StreamDelivery nextReady(long timeout, TimeUnit unit) throws InterruptedException {
        StreamDelivery delivery = ready.poll(timeout, unit);
        if (delivery == null) {
            return null;
        }
        if (!running) {
            release(delivery.id());
            return null;
        }
        processing.add(delivery.id());
        return delivery;
    }

    // ---------------------------------------------------------------- settling

    void acknowledged(StreamDelivery delivery) {
        processing.remove(delivery.id());
        if (held.remove(delivery.id())) {
            slots.release(1);
        }
        acknowledger.acknowledge(delivery.id());
    }

    void rejected(StreamDelivery delivery) {
        processing.remove(delivery.id());
        ScheduledExecutorService redeliveries = scheduler;
        if (!running || redeliveries == null) {
            release(delivery.id());
            releaseToGroup();
            return;
        }
        awaitingRedelivery.add(delivery);
        try {
            redeliveries.schedule(() -> {
                dueRedeliveries.add(delivery);
                redeliverDue();
            }, configuration.getRedeliveryDelay(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException stopping) {
            awaitingRedelivery.remove(delivery);
            release(delivery.id());
            releaseToGroup();
        }
    }

    /** Takes the due rejected entries back with one XCLAIM (which counts the delivery) and hands them on. */
    private void redeliverDue() {
        List<StreamDelivery> due = new ArrayList<>();
        StreamDelivery next;
        while ((next = dueRedeliveries.poll()) != null) {
            if (awaitingRedelivery.remove(next)) {
                due.add(next);
            }
        }
        if (due.isEmpty() || !running) {
            due.forEach(d -> released.add(d.id()));
            return;
        }
        Map<String, StreamDelivery> byId = new LinkedHashMap<>();
        due.forEach(d -> byId.put(d.id(), d));
        try {
            // min idle = the delay: an entry another member claimed meanwhile is left to it
            List<StreamMessage<String, byte[]>> claimed = RedisStreamsClient.await(client.commands().xclaim(stream,
                    member, XClaimArgs.Builder.minIdleTime(configuration.getRedeliveryDelay()),
                    byId.keySet().toArray(String[]::new)), COMMAND_TIMEOUT);
            Map<String, Integer> counts = deliveryCounts(claimed);
            for (StreamMessage<String, byte[]> entry : claimed) {
                StreamDelivery before = byId.remove(entry.getId());
                if (entry.getBody() != null && before != null) {
                    held.remove(entry.getId());
                    dispatch(new StreamDelivery(this, entry.getId(), entry.getBody(), configuration.getBodyField(),
                            counts.getOrDefault(entry.getId(), before.deliveryCount() + 1)));
                }
            }
            // the rest were acknowledged, claimed by another member or trimmed away: no longer ours
            byId.keySet().forEach(this::forget);
        } catch (Exception e) {
            if (RedisStreamsClient.isNoGroup(e)) {
                byId.keySet().forEach(this::forget);
                recreateGroup();
                return;
            }
            if (!running) {
                // stopping: the sweep of stop() gives them back to the group
                byId.keySet().forEach(released::add);
                return;
            }
            LOG.warn("Redelivering {} entries of stream {} failed, retrying: {}", byId.size(), stream, e.getMessage());
            for (StreamDelivery d : byId.values()) {
                awaitingRedelivery.add(d);
                scheduler.schedule(() -> {
                    dueRedeliveries.add(d);
                    redeliverDue();
                }, Math.max(configuration.getRedeliveryDelay(), 1000), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Takes over entries idle longer than {@code claimMinIdle} at any member (a member that died, or let go), at most
     * {@code room}; returns how many it handed on. Failures are logged and retried next round.
     */
    private int claimIdleEntries(int room) {
        int dispatched = 0;
        try {
            ClaimedMessages<String, byte[]> claimed = RedisStreamsClient.await(client.commands().xautoclaim(stream,
                    XAutoClaimArgs.Builder.xautoclaim(member, Duration.ofMillis(configuration.getClaimMinIdle()), "0-0")
                            .count(room)), COMMAND_TIMEOUT);
            List<StreamMessage<String, byte[]>> taken = new ArrayList<>();
            for (StreamMessage<String, byte[]> entry : claimed.getMessages()) {
                // an entry this member still holds (slow exchange, long prefetch) is not delivered twice
                if (entry.getBody() != null && !held.contains(entry.getId())) {
                    taken.add(entry);
                }
            }
            if (taken.isEmpty()) {
                return 0;
            }
            LOG.info("Claimed {} entries of stream {} idle for more than {} ms (group {})", taken.size(), stream,
                    configuration.getClaimMinIdle(), group);
            Map<String, Integer> counts = deliveryCounts(taken);
            for (StreamMessage<String, byte[]> entry : taken) {
                dispatch(new StreamDelivery(this, entry.getId(), entry.getBody(), configuration.getBodyField(),
                        counts.getOrDefault(entry.getId(), 2)));
                dispatched++;
            }
        } catch (Exception e) {
            if (RedisStreamsClient.isNoGroup(e)) {
                recreateGroup();
            } else if (running) {
                LOG.warn("Claiming idle entries of stream {} failed, retrying in {} ms: {}", stream,
                        configuration.getClaimInterval(), e.getMessage());
            }
        }
        return dispatched;
    }

    /** Delivery counts of entries this member just took, from {@code XPENDING} (pipelined, one range per id). */
    private Map<String, Integer> deliveryCounts(Collection<StreamMessage<String, byte[]>> entries) throws Exception {
        Map<String, RedisFuture<List<PendingMessage>>> replies = new LinkedHashMap<>();
        for (StreamMessage<String, byte[]> entry : entries) {
            replies.put(entry.getId(), client.commands().xpending(stream, member,
                    Range.create(entry.getId(), entry.getId()), Limit.from(1)));
        }
        Map<String, Integer> counts = new HashMap<>();
        for (Map.Entry<String, RedisFuture<List<PendingMessage>>> reply : replies.entrySet()) {
            for (PendingMessage pending : RedisStreamsClient.await(reply.getValue(), COMMAND_TIMEOUT)) {
                counts.put(pending.getId(), (int) Math.min(Integer.MAX_VALUE, pending.getRedeliveryCount()));
            }
        }
        return counts;
    }

    // ---------------------------------------------------------------- group membership

    private void createGroup(String start) throws Exception {
        try {
            RedisStreamsClient.await(client.commands().xgroupCreate(XReadArgs.StreamOffset.from(stream, start), group,
                    XGroupCreateArgs.Builder.mkstream()), COMMAND_TIMEOUT);
            LOG.info("Created consumer group {} of stream {} from {}", group, stream, start);
        } catch (Exception e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * The group vanished (stream deleted, or Redis restarted without persistence): every entry of the stream as it
     * is now is new to the group, so it is re-created from {@code 0} whatever {@code startFrom} said. Entries held
     * from before are forgotten: their acknowledgement can no longer reach a group.
     */
    private synchronized void recreateGroup() {
        LOG.warn("Consumer group {} of stream {} is gone (NOGROUP: stream deleted or Redis restarted without "
                + "persistence); re-creating it from the start of the stream", group, stream);
        try {
            createGroup("0");
        } catch (Exception e) {
            LOG.warn("Re-creating group {} of stream {} failed, retrying: {}", group, stream, e.getMessage());
            sleep(MAX_BACKOFF / 5);
        }
    }

    /** Gives an entry back to the group (made claimable at once by {@link #releaseToGroup()}). */
    private void release(String id) {
        released.add(id);
    }

    /** No longer held by this member. */
    private void forget(String id) {
        if (held.remove(id)) {
            slots.release(1);
        }
    }

    /**
     * Makes the released entries claimable by any member at once: {@code XCLAIM ... IDLE} re-dates their last
     * delivery far in the past, {@code JUSTID} leaves the delivery count alone. Redis has no "give back"; a
     * member's pending entry otherwise waits {@code claimMinIdle}.
     */
    private void releaseToGroup() {
        List<String> ids = new ArrayList<>();
        String id;
        while ((id = released.poll()) != null) {
            ids.add(id);
            forget(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            RedisStreamsClient.await(client.commands().xclaim(stream, member,
                    XClaimArgs.Builder.minIdleTime(0).idle(RELEASED_IDLE).justid(), ids.toArray(String[]::new)),
                    COMMAND_TIMEOUT);
            LOG.debug("Released {} unprocessed entries of stream {} to group {}", ids.size(), stream, group);
        } catch (Exception e) {
            LOG.warn("Releasing {} entries of stream {} failed; other members claim them after claimMinIdle: {}",
                    ids.size(), stream, e.getMessage());
        }
    }

    /**
     * Releases every entry pending at this member whose exchange is not running: also those a read aborted by the
     * stop had already assigned to this member in Redis but never returned here.
     */
    private void releaseUnheldPending() throws Exception {
        List<PendingMessage> pending = RedisStreamsClient.await(client.commands().xpending(stream, member,
                Range.unbounded(), Limit.from(10_000)), COMMAND_TIMEOUT);
        for (PendingMessage entry : pending) {
            if (!processing.contains(entry.getId())) {
                released.add(entry.getId());
            }
        }
        releaseToGroup();
    }

    /** Removes this member from the group when it holds nothing, so the group lists live members only. */
    private void leaveGroupIfNothingPending() throws Exception {
        PendingMessages pending = RedisStreamsClient.await(client.commands().xpending(stream, group), COMMAND_TIMEOUT);
        Long mine = pending.getConsumerMessageCount().get(member.getName());
        if (mine == null || mine == 0) {
            RedisStreamsClient.await(client.commands().xgroupDelconsumer(stream, member), COMMAND_TIMEOUT);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
