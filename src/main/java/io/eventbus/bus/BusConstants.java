package io.eventbus.bus;

import org.apache.camel.spi.Metadata;

/**
 * Message headers and exchange properties of the {@code bus:} component.
 * <p>
 * The first four mirror envelope fields so that routes can route without parsing the body ({@code choice} on
 * {@code ${header.EventType}}); on a consumed exchange they are set from the envelope, and on publish they are
 * written to the transport's message headers too.
 */
public final class BusConstants {

    @Metadata(description = "The envelope's event_type.", javaType = "String")
    public static final String EVENT_TYPE = "EventType";
    @Metadata(description = "The envelope's event_id.", javaType = "String")
    public static final String EVENT_ID = "EventId";
    @Metadata(description = "The envelope's trace_id, when it has one.", javaType = "String")
    public static final String TRACE_ID = "TraceId";
    @Metadata(description = "The envelope's schema_version.", javaType = "String")
    public static final String SCHEMA_VERSION = "SchemaVersion";
    @Metadata(description = "The envelope's correlation_id: on a request's reply, that of the request.",
              javaType = "String")
    public static final String CORRELATION_ID = "CorrelationId";
    @Metadata(label = "consumer", description = "The topic the event was consumed from.", javaType = "String")
    public static final String TOPIC = "EventbusTopic";
    @Metadata(label = "consumer", description = "The consumer group that received the event.", javaType = "String")
    public static final String GROUP = "EventbusGroup";
    @Metadata(label = "consumer", description = "How many times the transport has delivered this event, 1 on the first delivery.",
              javaType = "int")
    public static final String DELIVERY_COUNT = "EventbusDeliveryCount";

    @Metadata(label = "producer", description = "Message priority (0-255), overriding the endpoint's priority option; "
            + "honoured by RabbitMQ (queues with x-max-priority, see eventbus.rabbitmq.max-priority). On a topic of "
            + "another transport the publish logs a warning, once per endpoint, and the priority is not applied.",
              javaType = "int")
    public static final String PRIORITY = "EventbusPriority";
    @Metadata(label = "producer", description = "The routing key of the published message (default: the topic). "
            + "RabbitMQ routes by it (groups bind patterns with the bindingKey option); other transports carry it as "
            + "the message header routing_key without routing by it.", javaType = "String")
    public static final String ROUTING_KEY = "EventbusRoutingKey";
    @Metadata(label = "producer", description = "Time to live of the published message in milliseconds, for "
            + "transports with per-message expiry (RabbitMQ); ignored by the others.", javaType = "long")
    public static final String TIME_TO_LIVE = "EventbusTimeToLive";
    @Metadata(label = "producer", description = "Delay in milliseconds before the published event reaches any "
            + "consumer; overrides the endpoint's delay option (EventbusDeliverAt wins over both).", javaType = "long")
    public static final String DELAY = "EventbusDelay";
    @Metadata(label = "producer", description = "The time before which the published event reaches no consumer: "
            + "epoch milliseconds or an ISO-8601 instant (2026-01-05T10:15:30Z); overrides EventbusDelay and the "
            + "endpoint's delay option.", javaType = "String")
    public static final String DELIVER_AT = "EventbusDeliverAt";

    /** Exchange property: the {@link ConsumedEvent} this exchange is processing, set by the {@code bus:} consumer. */
    public static final String CONSUMED_EVENT = "EventbusConsumedEvent";
    /** Exchange property: true once a {@code bus:} dead-letter endpoint has written this exchange's event. */
    public static final String DEAD_LETTERED = "EventbusDeadLettered";
    /** Exchange property: the exception that stopped the dead-letter write; the source is then not acknowledged. */
    public static final String DEAD_LETTER_FAILED = "EventbusDeadLetterFailed";

    private BusConstants() {
    }
}
