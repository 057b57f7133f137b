package io.eventbus.bus;

import java.time.Clock;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.camel.Endpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.envelope.MajorVersionPolicy;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.observability.BacklogGauges;
import io.eventbus.observability.BusEventNotifier;
import io.eventbus.observability.BusMetrics;
import io.eventbus.pipeline.FailedAttemptHook;
import io.eventbus.routing.RoutingTable;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;

/**
 * The {@code bus:} component: one endpoint, {@code bus:<topic>}, over whichever transport configuration assigns
 * to the topic. It owns what its endpoints share: the transports, the envelope validator with its schema registry,
 * and the dead-letter publisher. Settings come from the {@code eventbus.*} keys (see docs/configuration.md), read
 * when the component starts. It also owns the bus's meters ({@link BusMetrics}), the event notifier
 * that records those Camel's events tell, the backlog gauges' poller and, with {@code eventbus.groups.abandon-after}
 * set, the check that drops abandoned consumer groups ({@link AbandonedGroupSweeper}).
 */
@Component("bus")
public class BusComponent extends HealthCheckComponent {

    /** At most this much of an unreadable input is kept in its dead letter (64 KiB). */
    private static final int DEAD_LETTER_KEPT_BYTES = 64 * 1024;
    /** Replays an event may have before a failure parks it ({@code eventbus.deadletter.max-replays}). */
    public static final int DEFAULT_MAX_REPLAYS = 3;
    /** The most entries one dead-letter command reads from a topic ({@code eventbus.deadletter.browse-limit}). */
    public static final int DEFAULT_DEAD_LETTER_BROWSE_LIMIT = 100_000;

    private Transports transports;
    private EnvelopeValidator validator;
    private DeadLetterPublisher deadLetters;
    private String source;
    private String defaultDeadLetterTopic;
    private int maxReplays;
    private int deadLetterBrowseLimit;
    private final PublisherSwitches publisherSwitches = new PublisherSwitches();
    private BusMetrics metrics;
    private BusEventNotifier eventNotifier;
    private BacklogGauges backlogGauges;
    private AbandonedGroupSweeper abandonedGroups;
    private final BiConsumer<String, String> unroutableCounter = (topic, eventType) -> {
        if (metrics != null) {
            metrics.unroutable(topic, eventType, "routing_table");
        }
    };

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
        source = properties.string("eventbus.source", "camel-eventbus");
        defaultDeadLetterTopic = properties.string("eventbus.deadletter.default-topic", "dead_letter");
        transports = new Transports(getCamelContext(), properties);
        publisherSwitches.refresh(getCamelContext());
        String failedTopic = properties.string("eventbus.deadletter.failed-topic", DeadLetterTopics.DEFAULT_FAILED_TOPIC);
        maxReplays = (int) Math.min(Integer.MAX_VALUE,
                properties.nonNegativeLong("eventbus.deadletter.max-replays", DEFAULT_MAX_REPLAYS));
        deadLetterBrowseLimit = properties.positiveInt("eventbus.deadletter.browse-limit",
                DEFAULT_DEAD_LETTER_BROWSE_LIMIT);
        deadLetters = new DeadLetterPublisher(codec, topic -> transports.forTopic(topic).bindProducer(topic),
                failedTopic.equalsIgnoreCase("none") ? null : failedTopic, source, Clock.systemUTC(),
                Math.min(DEAD_LETTER_KEPT_BYTES, settings.maxBytes() / 4), maxReplays);
        metrics = BusMetrics.of(getCamelContext(),
                properties.positiveInt("eventbus.metrics.max-event-types", BusMetrics.DEFAULT_MAX_EVENT_TYPES));
        deadLetters.onWritten((sourceTopic, eventType, stage) ->
                metrics.deadLettered(sourceTopic, eventType, transports.transportNameFor(sourceTopic), stage));
        eventNotifier = new BusEventNotifier(metrics);
        ServiceHelper.startService(eventNotifier);
        getCamelContext().getManagementStrategy().addEventNotifier(eventNotifier);
        backlogGauges = new BacklogGauges(getCamelContext(), metrics, transports::forTopic,
                properties.positiveInt("eventbus.metrics.backlog-interval", 5000));
        backlogGauges.start();
        long abandonAfter = properties.nonNegativeLong("eventbus.groups.abandon-after", 0);
        if (abandonAfter > 0) {
            abandonedGroups = new AbandonedGroupSweeper(getCamelContext(), transports::forTopic, abandonAfter);
            abandonedGroups.start();
        }
        countUnroutable();
    }

    /** Counts the unroutable events of every routing table in the registry (each is told once). */
    private void countUnroutable() {
        for (RoutingTable table : getCamelContext().getRegistry().findByType(RoutingTable.class)) {
            table.addUnroutableListener(unroutableCounter);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (eventNotifier != null) {
            getCamelContext().getManagementStrategy().removeEventNotifier(eventNotifier);
            ServiceHelper.stopService(eventNotifier);
        }
        ServiceHelper.stopService(backlogGauges, abandonedGroups);
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

    /** The bus's meters, in Camel's Micrometer registry. */
    public BusMetrics getMetrics() {
        return metrics;
    }

    /** The check of {@code eventbus.groups.abandon-after}, or null when that key is 0 (off). */
    public AbandonedGroupSweeper getAbandonedGroupSweeper() {
        return abandonedGroups;
    }

    /** The poller behind the backlog gauges (lag, pending, members, topic length, DLQ depth). */
    public BacklogGauges getBacklogGauges() {
        return backlogGauges;
    }

    public EnvelopeValidator getValidator() {
        return validator;
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
