package io.eventbus.envelope;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * One event on the bus: the versioned envelope every transport carries as UTF-8 JSON.
 * <p>
 * Inside a route the exchange body is an {@code Envelope}; {@link EnvelopeCodec} turns it into the wire
 * format and back. Top-level fields the bus does not know are kept in {@link #getExtensions()} and written
 * back unchanged, so a route that re-publishes an event never drops or renames a field.
 * <p>
 * Not thread-safe: an envelope belongs to one exchange at a time; use {@link #copy()} to derive one.
 */
public final class Envelope {

    /** The {@code schema_version} of an event whose producer did not give one. */
    public static final String DEFAULT_SCHEMA_VERSION = "1.0.0";

    private String eventId;
    private String eventType;
    private String schemaVersion;
    private String source;
    private String publishedAt;
    private String traceId;
    private String requestId;
    private String parentEventId;
    private String correlationId;
    private String key;
    private int retryCount;
    private Map<String, String> tags = new LinkedHashMap<>();
    private Map<String, Object> metadata = new LinkedHashMap<>();
    private JsonNode data = NullNode.getInstance();
    private Map<String, JsonNode> extensions = new LinkedHashMap<>();

    /**
     * A new event with a random UUID as {@code event_id} and schema version {@code 1.0.0}; the bus sets
     * {@code published_at} when it is published.
     */
    public static Envelope create(String eventType, String source, JsonNode data) {
        Envelope envelope = new Envelope();
        envelope.eventId = UUID.randomUUID().toString();
        envelope.eventType = eventType;
        envelope.schemaVersion = DEFAULT_SCHEMA_VERSION;
        envelope.source = source;
        envelope.data = data == null ? NullNode.getInstance() : data;
        return envelope;
    }

    /**
     * An event derived from this one: a new {@code event_id}, this event's {@code trace_id} and
     * {@code request_id}, and {@code parent_event_id} set to this event's id.
     */
    public Envelope derive(String eventType, JsonNode data) {
        Envelope child = create(eventType, source, data);
        child.traceId = traceId;
        child.requestId = requestId;
        child.parentEventId = eventId;
        return child;
    }

    /** A new envelope with this one's scalar fields (ids, type, version, times, key, retry count) and nothing else. */
    private Envelope withFieldsOnly() {
        Envelope c = new Envelope();
        c.eventId = eventId;
        c.eventType = eventType;
        c.schemaVersion = schemaVersion;
        c.source = source;
        c.publishedAt = publishedAt;
        c.traceId = traceId;
        c.requestId = requestId;
        c.parentEventId = parentEventId;
        c.correlationId = correlationId;
        c.key = key;
        c.retryCount = retryCount;
        return c;
    }

    /** A deep copy: mutating the copy (metadata, tags, data, extensions) leaves this envelope as it was. */
    public Envelope copy() {
        Envelope c = withFieldsOnly();
        c.tags = new LinkedHashMap<>(tags);
        c.metadata = EnvelopeCodec.deepCopy(metadata);
        c.data = data.deepCopy();
        Map<String, JsonNode> ext = new LinkedHashMap<>();
        extensions.forEach((k, v) -> ext.put(k, v.deepCopy()));
        c.extensions = ext;
        return c;
    }

    /**
     * A copy with other {@code data}, sharing nothing mutable with this envelope but not copying its data: what a
     * publish writes when it replaces {@code data} by its sealed form (cheaper than {@link #copy()}).
     */
    public Envelope withData(JsonNode newData) {
        Envelope c = withFieldsOnly();
        c.tags = new LinkedHashMap<>(tags);
        c.metadata = new LinkedHashMap<>(metadata);
        c.data = newData == null ? NullNode.getInstance() : newData;
        c.extensions = new LinkedHashMap<>(extensions);
        return c;
    }

    /** The major number of {@code schema_version}, or -1 when the version is absent or not semver. */
    public int schemaMajor() {
        return SchemaVersion.majorOf(schemaVersion);
    }

    public String getEventId() {
        return eventId;
    }

    public Envelope setEventId(String eventId) {
        this.eventId = eventId;
        return this;
    }

    public String getEventType() {
        return eventType;
    }

    public Envelope setEventType(String eventType) {
        this.eventType = eventType;
        return this;
    }

    public String getSchemaVersion() {
        return schemaVersion;
    }

    public Envelope setSchemaVersion(String schemaVersion) {
        this.schemaVersion = schemaVersion;
        return this;
    }

    public String getSource() {
        return source;
    }

    public Envelope setSource(String source) {
        this.source = source;
        return this;
    }

    /** ISO-8601 UTC ending in {@code Z}; set by the bus on publish. */
    public String getPublishedAt() {
        return publishedAt;
    }

    public Envelope setPublishedAt(String publishedAt) {
        this.publishedAt = publishedAt;
        return this;
    }

    public String getTraceId() {
        return traceId;
    }

    public Envelope setTraceId(String traceId) {
        this.traceId = traceId;
        return this;
    }

    public String getRequestId() {
        return requestId;
    }

    public Envelope setRequestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    public String getParentEventId() {
        return parentEventId;
    }

    public Envelope setParentEventId(String parentEventId) {
        this.parentEventId = parentEventId;
        return this;
    }

    public String getCorrelationId() {
        return correlationId;
    }

    public Envelope setCorrelationId(String correlationId) {
        this.correlationId = correlationId;
        return this;
    }

    /** The partition / ordering key (Kafka record key, consistent routing); may be null. */
    public String getKey() {
        return key;
    }

    public Envelope setKey(String key) {
        this.key = key;
        return this;
    }

    public int getRetryCount() {
        return retryCount;
    }

    public Envelope setRetryCount(int retryCount) {
        this.retryCount = retryCount;
        return this;
    }

    /** Never null. */
    public Map<String, String> getTags() {
        return tags;
    }

    public Envelope setTags(Map<String, String> tags) {
        this.tags = tags == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tags);
        return this;
    }

    /** Never null; values are JSON-compatible (String, Number, Boolean, List, Map, null). */
    public Map<String, Object> getMetadata() {
        return metadata;
    }

    public Envelope setMetadata(Map<String, Object> metadata) {
        this.metadata = metadata == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metadata);
        return this;
    }

    /** The payload; {@code NullNode} when absent, never Java null. */
    public JsonNode getData() {
        return data;
    }

    public Envelope setData(JsonNode data) {
        this.data = data == null ? NullNode.getInstance() : data;
        return this;
    }

    /** Top-level fields the bus does not know, in their original order; kept on every re-publish. */
    public Map<String, JsonNode> getExtensions() {
        return extensions;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Envelope e)) {
            return false;
        }
        return retryCount == e.retryCount && Objects.equals(eventId, e.eventId)
                && Objects.equals(eventType, e.eventType) && Objects.equals(schemaVersion, e.schemaVersion)
                && Objects.equals(source, e.source) && Objects.equals(publishedAt, e.publishedAt)
                && Objects.equals(traceId, e.traceId) && Objects.equals(requestId, e.requestId)
                && Objects.equals(parentEventId, e.parentEventId) && Objects.equals(correlationId, e.correlationId)
                && Objects.equals(key, e.key) && tags.equals(e.tags) && metadata.equals(e.metadata)
                && data.equals(e.data) && extensions.equals(e.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, eventType, schemaVersion, publishedAt);
    }

    @Override
    public String toString() {
        return "Envelope[event_id=" + eventId + ", event_type=" + eventType + ", schema_version=" + schemaVersion
                + ", source=" + source + ", trace_id=" + traceId + ", retry_count=" + retryCount + "]";
    }
}
