package io.eventbus.wireformat;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.protection.DataProtection;
import io.eventbus.protection.TopicProtections;
import io.eventbus.transport.EventBusProperties;

/**
 * The wire format of each topic, from configuration: {@code eventbus.topics.<topic>.format = envelope | cloudevents
 * | <mapping name>}, default {@code envelope}. A dead-letter topic {@code <topic>.dlq} is a topic like any other: it
 * stays in the envelope, which the bus's own tools ({@code eventbus dlq}, the run summary) read, unless its own key
 * gives it the system's format, for a system that reads its failures itself. Mappings are found by
 * {@link WireMappings} under
 * {@code eventbus.wireformat.location}. A topic's format is resolved once, on first use. Thread-safe.
 * <p>
 * An envelope topic that compresses or encrypts its {@code data} ({@link TopicProtections}) gets a format of its
 * own that seals what it writes; every envelope and CloudEvents topic opens what it reads. A system's own JSON
 * (a mapping) and CloudEvents are written as they are: asking them to compress or encrypt fails naming the key.
 */
public final class TopicFormats {

    /** The name of the CloudEvents format. */
    public static final String CLOUDEVENTS = EnvelopeFormat.CLOUDEVENTS;
    /** Where mapping files are looked up before the shipped ones. */
    public static final String LOCATION_KEY = "eventbus.wireformat.location";

    private final EventBusProperties properties;
    private final WireMappings mappings;
    private final EnvelopeValidator validator;
    private final Clock clock;
    private final TopicProtections protections;
    private final Map<String, TopicFormat> byName = new ConcurrentHashMap<>();
    private final Map<String, TopicFormat> byTopic = new ConcurrentHashMap<>();

    /**
     * @throws IllegalArgumentException naming the key, when the encryption keys are misconfigured
     */
    public TopicFormats(EventBusProperties properties, EnvelopeValidator validator, Clock clock) {
        this.properties = properties;
        this.protections = new TopicProtections(properties, validator.codec(), validator.maxBytes());
        this.validator = validator;
        this.clock = clock;
        this.mappings = new WireMappings(properties.string(LOCATION_KEY, WireMappings.SHIPPED));
    }

    /** The topic's format; throws naming the key when it names no format. */
    public TopicFormat forTopic(String topic) {
        return byTopic.computeIfAbsent(topic, this::resolve);
    }

    /** The format of that name: {@code envelope}, {@code cloudevents} or a mapping's. */
    public TopicFormat named(String name) {
        TopicFormat format = byName.get(name);
        return format != null ? format : byName.computeIfAbsent(name, this::create);
    }

    /** How the topic seals the {@code data} it writes; throws naming the key when its settings cannot be used. */
    public DataProtection protectionOf(String topic) {
        return protections.forTopic(topic);
    }

    /** What opens sealed {@code data} with every configured key, for tools that show events (the DLQ tools). */
    public DataProtection reader() {
        return protections.reader();
    }

    private TopicFormat resolve(String topic) {
        String key = formatKeyFor(topic);
        TopicFormat format;
        try {
            format = named(properties.string(key, EnvelopeFormat.ENVELOPE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
        DataProtection protection = protections.forTopic(topic);
        if (protection.writesPlain()) {
            return format;
        }
        if (!format.name().equals(EnvelopeFormat.ENVELOPE)) {
            throw new IllegalArgumentException("eventbus.topics." + topic + "." + (protection.encrypts()
                    ? "encryption" : "compression") + ": only the envelope format seals data, but " + key + " is "
                    + format.name());
        }
        return new EnvelopeFormat(validator, false, protection);
    }

    private TopicFormat create(String name) {
        return switch (name) {
            case EnvelopeFormat.ENVELOPE -> new EnvelopeFormat(validator, false, protections.reader());
            case EnvelopeFormat.CLOUDEVENTS -> new EnvelopeFormat(validator, true, protections.reader());
            default -> new MappedFormat(mappings.named(name), validator, clock);
        };
    }

    private static String formatKeyFor(String topic) {
        return "eventbus.topics." + topic + ".format";
    }
}
