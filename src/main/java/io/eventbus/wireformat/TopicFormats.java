package io.eventbus.wireformat;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.eventbus.envelope.EnvelopeValidator;
import io.eventbus.transport.EventBusProperties;

/**
 * The wire format of each topic, from configuration: {@code eventbus.topics.<topic>.format = envelope | cloudevents
 * | <mapping name>}, default {@code envelope}. A dead-letter topic {@code <topic>.dlq} is a topic like any other: it
 * stays in the envelope, which the bus's own tools ({@code eventbus dlq}, the run summary) read, unless its own key
 * gives it the system's format, for a system that reads its failures itself. Mappings are found by
 * {@link WireMappings} under
 * {@code eventbus.wireformat.location}. A topic's format is resolved once, on first use. Thread-safe.
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
    private final Map<String, TopicFormat> byName = new ConcurrentHashMap<>();
    private final Map<String, TopicFormat> byTopic = new ConcurrentHashMap<>();

    public TopicFormats(EventBusProperties properties, EnvelopeValidator validator, Clock clock) {
        this.properties = properties;
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

    private TopicFormat resolve(String topic) {
        String key = formatKeyFor(topic);
        try {
            return named(properties.string(key, EnvelopeFormat.ENVELOPE));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private TopicFormat create(String name) {
        return switch (name) {
            case EnvelopeFormat.ENVELOPE -> new EnvelopeFormat(validator, false);
            case EnvelopeFormat.CLOUDEVENTS -> new EnvelopeFormat(validator, true);
            default -> new MappedFormat(mappings.named(name), validator, clock);
        };
    }

    private static String formatKeyFor(String topic) {
        return "eventbus.topics." + topic + ".format";
    }
}
