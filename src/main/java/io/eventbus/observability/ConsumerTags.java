package io.eventbus.observability;

import io.micrometer.core.instrument.Tags;

/**
 * The tags of the meters a {@code bus:} consumer records: its topic, group, route and transport, made once per
 * consumer rather than per event.
 */
public record ConsumerTags(String topic, String group, String route, String transport) {

    /** Exchange property: the tags of the consumer that created the exchange, set by the {@code bus:} consumer. */
    public static final String PROPERTY = "EventbusConsumerTags";

    /** These as Micrometer tags. */
    public Tags tags() {
        return Tags.of(BusMetrics.TOPIC, topic, BusMetrics.GROUP, nonNull(group), BusMetrics.ROUTE, nonNull(route),
                BusMetrics.TRANSPORT, transport);
    }

    Tags with(String key, String value) {
        return tags().and(key, value);
    }

    private static String nonNull(String value) {
        return value == null ? "none" : value;
    }
}
