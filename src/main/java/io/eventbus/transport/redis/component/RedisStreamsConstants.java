package io.eventbus.transport.redis.component;

import org.apache.camel.spi.Metadata;

/** Message headers of the {@code redis-streams:} component. */
public final class RedisStreamsConstants {

    @Metadata(description = "The stream the entry was read from or appended to.", javaType = "String")
    public static final String STREAM = "RedisStreamsStream";
    @Metadata(description = "The entry id: assigned by Redis on XADD (producer), of the consumed entry (consumer).",
              javaType = "String")
    public static final String ENTRY_ID = "RedisStreamsEntryId";
    @Metadata(label = "consumer", description = "The consumer group that received the entry.", javaType = "String")
    public static final String GROUP = "RedisStreamsGroup";
    @Metadata(label = "consumer", description = "This member's consumer name in the group.", javaType = "String")
    public static final String CONSUMER = "RedisStreamsConsumer";
    @Metadata(label = "consumer", description = "How many times the group has delivered the entry (XPENDING's "
            + "delivery count), 1 on the first delivery.", javaType = "int")
    public static final String DELIVERY_COUNT = "RedisStreamsDeliveryCount";
    @Metadata(description = "The entry's fields other than the body field, as text: read on consume; on produce, "
            + "extra fields to append with the body.", javaType = "java.util.Map<String, String>")
    public static final String FIELDS = "RedisStreamsFields";

    private RedisStreamsConstants() {
    }
}
