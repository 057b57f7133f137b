package io.eventbus.transport.redis.streams;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.eventbus.transport.SettlingDelivery;

/**
 * One stream entry delivered to one member of a consumer group. {@link #ack()} acknowledges it ({@code XACK},
 * batched); {@link #reject()} leaves it pending, to be delivered again after the redelivery delay.
 */
final class StreamDelivery extends SettlingDelivery {

    private final StreamGroupMember reader;
    private final String id;
    private final Map<String, byte[]> fields;
    private final String bodyField;
    private final int deliveryCount;
    private Map<String, String> headers;

    StreamDelivery(StreamGroupMember reader, String id, Map<String, byte[]> fields, String bodyField,
            int deliveryCount) {
        this.reader = reader;
        this.id = id;
        this.fields = fields;
        this.bodyField = bodyField;
        this.deliveryCount = deliveryCount;
    }

    @Override
    public String id() {
        return id;
    }

    /** The body field's bytes; an entry without it but with a single field gives that field; else empty. */
    @Override
    public byte[] body() {
        byte[] body = fields.get(bodyField);
        if (body == null && fields.size() == 1) {
            body = fields.values().iterator().next();
        }
        return body == null ? new byte[0] : body;
    }

    /** One field as UTF-8 text, decoding only that one (every delivery asks for a header or two). */
    @Override
    public String header(String name) {
        if (name.equals(bodyField)) {
            return null;
        }
        if (headers != null) {
            return headers.get(name);
        }
        byte[] value = fields.get(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The entry's other fields, as UTF-8 text. */
    @Override
    public Map<String, String> headers() {
        if (headers == null) {
            Map<String, String> text = new LinkedHashMap<>();
            fields.forEach((name, value) -> {
                if (!name.equals(bodyField) && value != null) {
                    text.put(name, new String(value, StandardCharsets.UTF_8));
                }
            });
            headers = text;
        }
        return headers;
    }

    /** The entry's raw fields, as Redis returned them. */
    Map<String, byte[]> fields() {
        return fields;
    }

    @Override
    public int deliveryCount() {
        return deliveryCount;
    }

    @Override
    protected void onAck() {
        reader.acknowledged(this);
    }

    @Override
    protected void onReject() {
        reader.rejected(this);
    }
}
