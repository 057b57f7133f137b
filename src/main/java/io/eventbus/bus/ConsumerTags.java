package io.eventbus.bus;

/**
 * Who consumed an event: the topic, group, route and transport of a {@code bus:} consumer, made once per consumer
 * rather than per event. A {@link BusObserver} is told these with each consumed event; the meters use them as tags.
 */
public record ConsumerTags(String topic, String group, String route, String transport) {

    /** Exchange property: the tags of the consumer that created the exchange, set by the {@code bus:} consumer. */
    public static final String PROPERTY = "EventbusConsumerTags";
}
