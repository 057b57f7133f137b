package io.eventbus.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.UnroutableReporter;

/**
 * Which topic(s) each event type is published to, read from a YAML file that can be edited without a restart.
 *
 * <h2>File format</h2>
 * <pre>
 * # event_type -&gt; topic(s)
 * routes:
 *   features_updated: features-updates
 *   bom_exploded: [bom-exploded, audit]
 * unroutable: unroutable   # optional, this is the default
 * </pre>
 * {@code routes} is required and maps each event type to one topic or a non-empty list of distinct topics.
 * {@code unroutable} names the topic for event types without an entry (default
 * {@value RoutingRules#DEFAULT_UNROUTABLE_TOPIC}). Event types and topics are non-blank YAML strings (quote one
 * YAML would read as a number or boolean); no other top-level key is allowed. A file breaking any rule is refused
 * with a {@link RoutingTableException} naming the file, the line and the reason.
 *
 * <h2>Reload</h2>
 * Lookups check the file's last-modified time, size and identity at most once per check interval (default
 * {@link #DEFAULT_CHECK_INTERVAL}), without a background thread; when the interval has not elapsed a lookup costs
 * one volatile read. A changed file is re-read: a valid one replaces the table and counts in {@link #reloadCount()};
 * a broken, unreadable or deleted one leaves the previous table in force, is logged at WARN once per change and is
 * reported by {@link #lastReloadError()} until a later version loads. A rewrite that keeps the modification time,
 * size and file identity is not noticed, so replace the file (write and rename) or let its time advance.
 * {@link #lastReloadError()} and {@link #reloadCount()} report what lookups have seen; they do not check the file.
 *
 * <h2>Camel</h2>
 * Bind the table in the registry and route with a recipient list:
 * <pre>
 * - recipientList:
 *     method:
 *       ref: routingTable
 *       method: recipients
 * </pre>
 * {@link #recipients(String)} turns the {@value BusConstants#EVENT_TYPE} header into {@code bus:<topic>} endpoint
 * URIs; the prefix is configurable so tests can route to {@code mock:}.
 *
 * <h2>Thread safety</h2>
 * Thread-safe. Each version of the table is an immutable {@link RoutingRules}, so a lookup sees one version
 * whole. One thread at a time checks the file; lookups arriving meanwhile use the version in force rather than wait.
 */
public final class RoutingTable implements UnroutableReporter {

    /** How often lookups check the file for changes unless told otherwise. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(1000);
    /** The endpoint URI prefix {@link #recipients(String)} puts before each topic unless told otherwise. */
    public static final String DEFAULT_ENDPOINT_PREFIX = "bus:";

    private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

    private final Path file;
    private final long checkIntervalNanos;
    private final String endpointPrefix;
    private final ReentrantLock checkLock = new ReentrantLock();
    // everything a lookup or status read needs, swapped whole so that readers never see half an update
    private volatile State state;
    private final List<BiConsumer<String, String>> unroutableListeners = new CopyOnWriteArrayList<>();

    private RoutingTable(Path file, Duration checkInterval, String endpointPrefix) {
        this.file = Objects.requireNonNull(file, "file");
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("checkInterval must not be negative: " + checkInterval);
        }
        this.checkIntervalNanos = checkInterval.toNanos();
        Objects.requireNonNull(endpointPrefix, "endpointPrefix");
        if (endpointPrefix.isBlank()) {
            throw new IllegalArgumentException("endpointPrefix must not be blank");
        }
        this.endpointPrefix = endpointPrefix;
        // stamp before reading: a change made while reading then shows as a new stamp at the next check
        FileStamp stamp = FileStamp.of(file);
        RoutingRules rules = RoutingTableReader.read(file);
        this.state = new State(rules, stamp, System.nanoTime() + checkIntervalNanos, 0, null);
    }

    /**
     * Loads the table from a file path given as text, for YAML bean definitions:
     * <pre>
     * - beans:
     *     - name: routingTable
     *       type: io.eventbus.routing.RoutingTable
     *       factoryMethod: fromFile
     *       constructors:
     *         0: routing.yaml
     * </pre>
     *
     * @throws RoutingTableException if the file is missing, unreadable or breaks a rule
     */
    public static RoutingTable fromFile(String file) {
        return load(Path.of(file));
    }

    /** Loads the table, checking for changes every second and routing to {@code bus:} endpoints. */
    public static RoutingTable load(Path file) {
        return load(file, DEFAULT_CHECK_INTERVAL);
    }

    /**
     * Loads the table, routing to {@code bus:} endpoints.
     *
     * @param checkInterval the least time between two checks of the file; zero checks on every lookup
     * @throws RoutingTableException when the file is missing, unreadable or invalid
     */
    public static RoutingTable load(Path file, Duration checkInterval) {
        return load(file, checkInterval, DEFAULT_ENDPOINT_PREFIX);
    }

    /**
     * Loads the table.
     *
     * @param checkInterval  the least time between two checks of the file; zero checks on every lookup
     * @param endpointPrefix put before each topic by {@link #recipients(String)}, e.g. {@code bus:} or {@code mock:}
     * @throws RoutingTableException when the file is missing, unreadable or invalid
     */
    public static RoutingTable load(Path file, Duration checkInterval, String endpointPrefix) {
        return new RoutingTable(file, checkInterval, endpointPrefix);
    }

    /**
     * The topics for the event type, in the order of the file; the unroutable topic alone when the type is null,
     * blank or has no entry. Never empty.
     */
    public List<String> topicsFor(String eventType) {
        return rules().topicsFor(eventType);
    }

    /** Whether the event type has an entry of its own. */
    public boolean isRoutable(String eventType) {
        return rules().isRoutable(eventType);
    }

    /**
     * The endpoint URIs for the event type of the exchange: the endpoint prefix before each of
     * {@link #topicsFor(String)}, e.g. {@code [bus:bom-exploded, bus:audit]}. For Camel's recipient list.
     */
    public List<String> recipients(@Header(BusConstants.EVENT_TYPE) String eventType) {
        RoutingRules rules = rules();
        List<String> topics = rules.topicsFor(eventType);
        if (!unroutableListeners.isEmpty() && !rules.isRoutable(eventType)) {
            unroutableListeners.forEach(listener -> listener.accept(rules.unroutableTopic(), eventType));
        }
        List<String> uris = new ArrayList<>(topics.size());
        for (String topic : topics) {
            uris.add(endpointPrefix + topic);
        }
        return uris;
    }

    /**
     * Adds a listener told, at each {@link #recipients} call for an event type without an entry, the unroutable
     * topic and the event type: the bus counts unroutable events with it. Adding the same listener twice is ignored.
     */
    @Override
    public void addUnroutableListener(BiConsumer<String, String> listener) {
        if (!unroutableListeners.contains(listener)) {
            unroutableListeners.add(listener);
        }
    }

    /** The version of the table in force, after checking the file if the check interval has elapsed. */
    public RoutingRules rules() {
        State current = state;
        long now = System.nanoTime();
        if (now - current.nextCheckNanos() >= 0) {
            current = check(now);
        }
        return current.rules();
    }

    /**
     * Why the file, as last seen changed, could not be loaded, with file, line and reason; empty when the table in
     * force is the file's current content.
     */
    public Optional<String> lastReloadError() {
        return Optional.ofNullable(state.lastReloadError());
    }

    /** How many times a changed file has been loaded since {@link #load}; failed reloads do not count. */
    public long reloadCount() {
        return state.reloadCount();
    }

    /** The routing table file. */
    public Path file() {
        return file;
    }

    private State check(long now) {
        if (!checkLock.tryLock()) {
            return state;
        }
        try {
            State current = state;
            if (now - current.nextCheckNanos() < 0) {
                return current;
            }
            State next = reloadIfChanged(current, now + checkIntervalNanos);
            state = next;
            return next;
        } finally {
            checkLock.unlock();
        }
    }

    private State reloadIfChanged(State current, long nextCheckNanos) {
        FileStamp stamp = FileStamp.of(file);
        if (stamp.equals(current.stamp())) {
            return current.checkedUntil(nextCheckNanos);
        }
        try {
            RoutingRules rules = RoutingTableReader.read(file);
            LOG.info("Reloaded routing table {}: routes for {} event type(s), unroutable topic {}", file,
                    rules.routes().size(), rules.unroutableTopic());
            return new State(rules, stamp, nextCheckNanos, current.reloadCount() + 1, null);
        } catch (RoutingTableException e) {
            LOG.warn("{}; keeping the previous routing table", e.getMessage());
            return new State(current.rules(), stamp, nextCheckNanos, current.reloadCount(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "RoutingTable[" + file + "]";
    }

    private record State(RoutingRules rules, FileStamp stamp, long nextCheckNanos, long reloadCount,
                         String lastReloadError) {

        State checkedUntil(long nextCheckNanos) {
            return new State(rules, stamp, nextCheckNanos, reloadCount, lastReloadError);
        }
    }

    /**
     * What tells one version of the file from another without reading it. The file key (the inode on Unix) tells a
     * file replaced by rename even when time and size match; it is null where the file system has none.
     */
    private record FileStamp(FileTime lastModified, long size, Object fileKey) {

        /** Stands for a file that is missing or cannot be inspected; reading it then says which. */
        static final FileStamp UNAVAILABLE = new FileStamp(FileTime.fromMillis(0), -1, null);

        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return UNAVAILABLE;
            }
        }
    }
}
