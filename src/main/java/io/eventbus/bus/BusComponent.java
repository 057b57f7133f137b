package io.eventbus.bus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;

import org.apache.camel.Endpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.envelope.MajorVersionPolicy;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.errorhandling.FailedAttemptHook;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.wireformat.TopicFormat;
import io.eventbus.wireformat.TopicFormats;

/**
 * The {@code bus:} component: one endpoint, {@code bus:<topic>}, over whichever transport configuration assigns
 * to the topic. It owns what its endpoints share: the transports, the envelope validator with its schema registry,
 * and the dead-letter publisher. Settings come from the {@code eventbus.*} keys (see docs/configuration.md), read
 * when the component starts. With {@code eventbus.groups.abandon-after} set it also runs the check that drops
 * abandoned consumer groups ({@link AbandonedGroupSweeper}).
 * <p>
 * It starts and stops its {@link BusPlugin}s with itself (the meters, their event notifier and the backlog gauges
 * are one, from the {@code observability} package) and tells their {@link BusObserver}s what it does with events;
 * it depends on none of them.
 */
@Component("bus")
public class BusComponent extends HealthCheckComponent {

    private static final Logger LOG = LoggerFactory.getLogger(BusComponent.class);

    /** At most this much of an unreadable input is kept in its dead letter (64 KiB). */
    private static final int DEAD_LETTER_KEPT_BYTES = 64 * 1024;
    /** Replays an event may have before a failure parks it ({@code eventbus.deadletter.max-replays}). */
    public static final int DEFAULT_MAX_REPLAYS = 3;
    /** The most entries one dead-letter command reads from a topic ({@code eventbus.deadletter.browse-limit}). */
    public static final int DEFAULT_DEAD_LETTER_BROWSE_LIMIT = 100_000;

    private Transports transports;
    private EnvelopeValidator validator;
    private TopicFormats formats;
    private DeadLetterPublisher deadLetters;
    private String source;
    private String defaultDeadLetterTopic;
    private int maxReplays;
    private int deadLetterBrowseLimit;
    private final PublisherSwitches publisherSwitches = new PublisherSwitches();
    private final List<BusPlugin> plugins = new ArrayList<>();
    private volatile BusObserver observer = BusObserver.NONE;
    private AbandonedGroupSweeper abandonedGroups;
    private final BiConsumer<String, String> unroutableCounter = (topic, eventType) ->
            observer.unroutable(topic, eventType, "routing_table");

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("bus: endpoint needs a topic, e.g. bus:listings.raw (was " + uri + ")");
        }
        BusEndpoint endpoint = new BusEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        // a route file defines its routing table beans before the routes whose endpoints come here
        countUnroutable();
        return endpoint;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (getCamelContext().getRegistry().lookupByName(FailedAttemptHook.BEAN_NAME) == null) {
            getCamelContext().getRegistry().bind(FailedAttemptHook.BEAN_NAME, new FailedAttemptHook());
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        EventBusProperties properties = new EventBusProperties(getCamelContext());
        ValidationSettings settings = new ValidationSettings(
                properties.positiveInt("eventbus.envelope.max-bytes", ValidationSettings.DEFAULT_MAX_BYTES),
                properties.enumValue("eventbus.schema.major-version-policy", MajorVersionPolicy.class,
                        MajorVersionPolicy.WARN),
                properties.bool("eventbus.schema.require-registered", false));
        SchemaRegistry registry;
        try {
            registry = SchemaRegistry.load(properties.string("eventbus.schema.location", "classpath:schemas"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("eventbus.schema.location: " + e.getMessage());
        }
        EnvelopeCodec codec = new EnvelopeCodec();
        validator = new EnvelopeValidator(codec, registry, settings);
        formats = new TopicFormats(properties, validator, Clock.systemUTC());
        source = properties.string("eventbus.source", "camel-eventbus");
        defaultDeadLetterTopic = properties.string("eventbus.deadletter.default-topic", "dead_letter");
        transports = new Transports(getCamelContext(), properties);
        publisherSwitches.refresh(getCamelContext());
        String failedTopic = properties.string("eventbus.deadletter.failed-topic",
                DeadLetterTopics.DEFAULT_FAILED_TOPIC);
        maxReplays = (int) Math.min(Integer.MAX_VALUE,
                properties.nonNegativeLong("eventbus.deadletter.max-replays", DEFAULT_MAX_REPLAYS));
        deadLetterBrowseLimit = properties.positiveInt("eventbus.deadletter.browse-limit",
                DEFAULT_DEAD_LETTER_BROWSE_LIMIT);
        deadLetters = new DeadLetterPublisher(codec, topic -> transports.forTopic(topic).bindProducer(topic),
                failedTopic.equalsIgnoreCase("none") ? null : failedTopic, source, Clock.systemUTC(),
                Math.min(DEAD_LETTER_KEPT_BYTES, settings.maxBytes() / 4), maxReplays);
        deadLetters.writeWith(formats);
        startPlugins();
        deadLetters.onWritten((sourceTopic, eventType, stage) ->
                observer.deadLettered(sourceTopic, eventType, transports.transportNameFor(sourceTopic), stage));
        long abandonAfter = properties.nonNegativeLong("eventbus.groups.abandon-after", 0);
        if (abandonAfter > 0) {
            abandonedGroups = new AbandonedGroupSweeper(getCamelContext(), transports::forTopic, abandonAfter);
            abandonedGroups.start();
        }
        countUnroutable();
    }

    /** A new instance of every plug-in on the class path, started; their observers become the bus's. */
    private void startPlugins() throws Exception {
        List<BusObserver> observers = new ArrayList<>();
        for (BusPlugin plugin : ServiceLoader.load(BusPlugin.class, BusComponent.class.getClassLoader())) {
            plugins.add(plugin); // stopped with the component even when its start fails half-way
            observers.add(Objects.requireNonNullElse(plugin.start(this), BusObserver.NONE));
        }
        observer = BusObserver.all(observers);
    }

    /** Counts the unroutable events of every routing table in the registry (each is told once). */
    private void countUnroutable() {
        for (UnroutableReporter table : getCamelContext().getRegistry().findByType(UnroutableReporter.class)) {
            table.addUnroutableListener(unroutableCounter);
        }
    }

    @Override
    protected void doStop() throws Exception {
        for (BusPlugin plugin : plugins) {
            try {
                plugin.stop();
            } catch (Exception e) {
                LOG.warn("Stopping bus plug-in {} failed: {}", plugin.getClass().getName(), e.getMessage(), e);
            }
        }
        plugins.clear();
        ServiceHelper.stopService(abandonedGroups);
        abandonedGroups = null;
        if (transports != null) {
            transports.close();
        }
        super.doStop();
    }

    /** The transport configuration assigns to the topic. */
    public Transport transportFor(String topic) {
        return transports.forTopic(topic);
    }

    /** The name of the transport configuration assigns to the topic, without connecting to it. */
    public String transportNameFor(String topic) {
        return transports.transportNameFor(topic);
    }

    /** Which topics publish; the runtime refreshes them when its configuration file changes. */
    public PublisherSwitches getPublisherSwitches() {
        return publisherSwitches;
    }

    /** Who the bus tells what it does with events: its plug-ins' observers. */
    BusObserver observer() {
        return observer;
    }

    /** The started plug-in of that type, if one is on the class path. */
    public <T extends BusPlugin> Optional<T> getPlugin(Class<T> type) {
        return plugins.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The started plug-ins, in the order found. */
    List<BusPlugin> plugins() {
        return List.copyOf(plugins);
    }

    /** The check of {@code eventbus.groups.abandon-after}, or null when that key is 0 (off). */
    public AbandonedGroupSweeper getAbandonedGroupSweeper() {
        return abandonedGroups;
    }

    public EnvelopeValidator getValidator() {
        return validator;
    }

    /**
     * How the topic's messages look on the wire ({@code eventbus.topics.<topic>.format}): the envelope, CloudEvents,
     * or a system's own JSON through a mapping. Throws naming the key when it names no format.
     */
    public TopicFormat formatOf(String topic) {
        return formats.forTopic(topic);
    }

    /**
     * Checks envelope JSON as a publish of it is checked ({@code eventbus publish}, {@code run --feed}, a route
     * sending it to {@code bus:}): the fields the bus fills in when they are missing ({@code event_id},
     * {@code schema_version}, {@code source}, {@code published_at}) may be missing; anything else wrong throws,
     * naming the field.
     */
    public Envelope checkToPublish(byte[] json) throws InvalidEnvelopeException {
        Envelope envelope = OutgoingEnvelopes.withDefaults(validator.codec().parseObject(json), validator.codec(),
                source);
        validator.write(envelope);
        return envelope;
    }

    public DeadLetterPublisher getDeadLetterPublisher() {
        return deadLetters;
    }

    /**
     * Replays an event may have ({@code eventbus.deadletter.max-replays}, default 3); a failure after the last one
     * parks it on {@code <topic>.parked}. 0: unlimited.
     */
    public int getMaxReplays() {
        return maxReplays;
    }

    /** The most entries one dead-letter command reads from a topic ({@code eventbus.deadletter.browse-limit}). */
    public int getDeadLetterBrowseLimit() {
        return deadLetterBrowseLimit;
    }

    /** The {@code source} of events the bus creates for a route ({@code eventbus.source}). */
    public String getSource() {
        return source;
    }

    /** Where {@code bus:dlq} writes when the failed exchange did not come from a {@code bus:} consumer. */
    public String getDefaultDeadLetterTopic() {
        return defaultDeadLetterTopic;
    }
}
