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
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.envelope.InvalidEnvelopeException;
import io.eventbus.envelope.SchemaRegistry;
import io.eventbus.envelope.ValidationSettings;
import io.eventbus.errorhandling.CircuitBreakerHold;
import io.eventbus.errorhandling.FailedAttemptHook;
import io.eventbus.transport.EventBusProperties;
import io.eventbus.transport.Transport;
import io.eventbus.transport.kafka.KafkaSettings;
import io.eventbus.transport.memory.MemorySettings;
import io.eventbus.transport.rabbitmq.RabbitMqSettings;
import io.eventbus.transport.redis.RedisSettings;
import io.eventbus.protection.DataProtection;
import io.eventbus.protection.EncryptionSettings;
import io.eventbus.wireformat.TopicFormat;
import io.eventbus.wireformat.TopicFormats;

/**
 * The {@code bus:} component: one endpoint, {@code bus:<topic>}, over whichever transport configuration assigns
 * to the topic. It owns what its endpoints share: the transports, the envelope validator with its schema registry,
 * and the dead-letter publisher. Its options are the {@code eventbus.*} keys, typed: its own in {@link BusSettings},
 * each transport's in that transport's settings class (see docs/configuration.md). A key that is set wins over the
 * component option; both are read when the component starts. With {@code eventbus.groups.abandon-after} set it
 * also runs the check that drops abandoned consumer groups ({@link AbandonedGroupSweeper}).
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
    /** The classes of the typed settings, its options: the bus's own and each built-in transport's. */
    public static final List<Class<?>> SETTINGS = List.of(BusSettings.class, MemorySettings.class,
            RedisSettings.class, RabbitMqSettings.class, KafkaSettings.class, EncryptionSettings.class);

    @Metadata(label = "advanced", description = "The bus's own settings, the eventbus keys of no transport; their "
            + "options are listed one by one.")
    private BusSettings settings = new BusSettings();
    @Metadata(label = "advanced", description = "The settings of the memory transport (the eventbus.memory keys); "
            + "their options are listed one by one.")
    private MemorySettings memory = new MemorySettings();
    @Metadata(label = "advanced", description = "The settings of the Redis Streams transport (the eventbus.redis "
            + "keys); their options are listed one by one.")
    private RedisSettings redis = new RedisSettings();
    @Metadata(label = "advanced", description = "The settings of the RabbitMQ transport (the eventbus.rabbitmq "
            + "keys); their options are listed one by one.")
    private RabbitMqSettings rabbitmq = new RabbitMqSettings();
    @Metadata(label = "advanced", description = "The settings of the Kafka transport (the eventbus.kafka keys); their "
            + "options are listed one by one.")
    private KafkaSettings kafka = new KafkaSettings();
    @Metadata(label = "advanced", description = "Where the keys that encrypt topics' data come from (the "
            + "eventbus.encryption keys); their options are listed one by one.")
    private EncryptionSettings encryption = new EncryptionSettings();

    private BusSettings started = new BusSettings();
    private Transports transports;
    private EnvelopeValidator validator;
    private TopicFormats formats;
    private DeadLetterPublisher deadLetters;
    private final PublisherSwitches publisherSwitches = new PublisherSwitches();
    private CircuitBreakerHold circuitBreakers;
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
        // before the routes consuming bus: endpoints are built, so their circuit breakers hold events in an outage
        circuitBreakers = CircuitBreakerHold.of(getCamelContext());
    }

    /** The routes' circuit breakers, held by the bus while they are open. */
    public CircuitBreakerHold getCircuitBreakers() {
        return circuitBreakers;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        EventBusProperties properties = new EventBusProperties(getCamelContext(),
                List.of(settings, memory, redis, rabbitmq, kafka, encryption));
        started = properties.settings(BusSettings.class);
        ValidationSettings validation = new ValidationSettings(started.getEnvelopeMaxBytes(),
                started.getSchemaMajorVersionPolicy(), started.isSchemaRequireRegistered());
        SchemaRegistry registry;
        try {
            registry = SchemaRegistry.load(started.getSchemaLocation());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("eventbus.schema.location: " + e.getMessage());
        }
        EnvelopeCodec codec = new EnvelopeCodec();
        validator = new EnvelopeValidator(codec, registry, validation);
        formats = new TopicFormats(properties, validator, Clock.systemUTC());
        transports = new Transports(getCamelContext(), properties, started.getTransport());
        publisherSwitches.refresh(getCamelContext(), settings.isPublishersEnabled());
        deadLetters = new DeadLetterPublisher(codec, topic -> transports.forTopic(topic).bindProducer(topic),
                started.failedTopicOrNull(), started.getSource(), Clock.systemUTC(),
                Math.min(DEAD_LETTER_KEPT_BYTES, validation.maxBytes() / 4), started.getDeadletterMaxReplays());
        deadLetters.writeWith(formats);
        startPlugins();
        deadLetters.onWritten((sourceTopic, eventType, stage) ->
                observer.deadLettered(sourceTopic, eventType, transports.transportNameFor(sourceTopic), stage));
        long abandonAfter = started.getGroupsAbandonAfter();
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
     * Opens sealed (compressed or encrypted) {@code data} with every configured key: for tools that show events, such
     * as the dead-letter tools. A topic's own reads open what they consume already.
     */
    public DataProtection dataReader() {
        return formats.reader();
    }

    /** CloudEvents 1.0 structured JSON, the format of a {@code bus:} producer with {@code cloudEvents=true}. */
    TopicFormat cloudEventsFormat() {
        return formats.named(TopicFormats.CLOUDEVENTS);
    }

    /**
     * Checks envelope JSON as a publish of it is checked ({@code eventbus publish}, {@code run --feed}, a route
     * sending it to {@code bus:}): the fields the bus fills in when they are missing ({@code event_id},
     * {@code schema_version}, {@code source}, {@code published_at}) may be missing; anything else wrong throws,
     * naming the field.
     */
    public Envelope checkToPublish(byte[] json) throws InvalidEnvelopeException {
        Envelope envelope = OutgoingEnvelopes.withDefaults(validator.codec().parseObject(json), validator.codec(),
                started.getSource());
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
        return started.getDeadletterMaxReplays();
    }

    /** The most entries one dead-letter command reads from a topic ({@code eventbus.deadletter.browse-limit}). */
    public int getDeadLetterBrowseLimit() {
        return started.getDeadletterBrowseLimit();
    }

    /** The {@code source} of events the bus creates for a route ({@code eventbus.source}). */
    public String getSource() {
        return started.getSource();
    }

    /** Where {@code bus:dlq} writes when the failed exchange did not come from a {@code bus:} consumer. */
    public String getDefaultDeadLetterTopic() {
        return started.getDeadletterDefaultTopic();
    }

    /**
     * The settings the component started with: its options with the keys that are set applied over them (the
     * defaults before it starts).
     */
    public BusSettings startedSettings() {
        return started;
    }

    /** The bus's own settings as component options; a key that is set wins over them. */
    public BusSettings getSettings() {
        return settings;
    }

    public void setSettings(BusSettings settings) {
        this.settings = Objects.requireNonNullElseGet(settings, BusSettings::new);
    }

    /** The memory transport's settings as component options; a key that is set wins over them. */
    public EncryptionSettings getEncryption() {
        return encryption;
    }

    public void setEncryption(EncryptionSettings encryption) {
        this.encryption = Objects.requireNonNullElseGet(encryption, EncryptionSettings::new);
    }

    public MemorySettings getMemory() {
        return memory;
    }

    public void setMemory(MemorySettings memory) {
        this.memory = Objects.requireNonNullElseGet(memory, MemorySettings::new);
    }

    /** The Redis Streams transport's settings as component options; a key that is set wins over them. */
    public RedisSettings getRedis() {
        return redis;
    }

    public void setRedis(RedisSettings redis) {
        this.redis = Objects.requireNonNullElseGet(redis, RedisSettings::new);
    }

    /** The RabbitMQ transport's settings as component options; a key that is set wins over them. */
    public RabbitMqSettings getRabbitmq() {
        return rabbitmq;
    }

    public void setRabbitmq(RabbitMqSettings rabbitmq) {
        this.rabbitmq = Objects.requireNonNullElseGet(rabbitmq, RabbitMqSettings::new);
    }

    /** The Kafka transport's settings as component options; a key that is set wins over them. */
    public KafkaSettings getKafka() {
        return kafka;
    }

    public void setKafka(KafkaSettings kafka) {
        this.kafka = Objects.requireNonNullElseGet(kafka, KafkaSettings::new);
    }
}
