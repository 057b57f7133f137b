package io.eventbus.bus;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

import io.eventbus.envelope.MajorVersionPolicy;
import io.eventbus.transport.ConfigKey;
import io.eventbus.transport.SharedSettings;

/**
 * The bus's own {@code eventbus.*} settings, options of the {@code bus} component (each transport's are in its own
 * settings class). Each field is one key ({@link ConfigKey}); its option name is the key without {@code eventbus.},
 * camel-cased, and its initial value is the default. A key that is set wins over the component option.
 * <p>
 * The component reads them when it starts, except the publisher and subscriber switches, read again whenever the
 * runtime reloads its configuration, and {@code middleware}, read whenever a consumer subscribes.
 */
@UriParams
public class BusSettings extends SharedSettings {

    /**
     * The transport of every topic: memory (in-process, not persistent), redis, rabbitmq or kafka. One topic on
     * another transport: the key eventbus.topics.TOPIC.transport (its dead-letter and parked topics follow it).
     */
    @UriParam(label = "common", defaultValue = "memory")
    @ConfigKey("eventbus.transport")
    private String transport = "memory";

    /** The source of events the bus itself creates (from plain bodies, and processing_failed events). */
    @UriParam(label = "common", defaultValue = "camel-eventbus")
    @ConfigKey("eventbus.source")
    private String source = "camel-eventbus";

    /**
     * Middleware around every bus: consumer, in order (comma-separated): logging, metrics, or bean names of
     * BusMiddleware beans; beans of that type not named here run after these. Default: none.
     */
    @UriParam(label = "consumer")
    @ConfigKey("eventbus.middleware")
    private String middleware;

    /** The largest encoded event accepted, in bytes (1 MiB). */
    @UriParam(label = "envelope", defaultValue = "1048576")
    @ConfigKey(value = "eventbus.envelope.max-bytes", min = 1)
    private int envelopeMaxBytes = 1048576;

    /**
     * JSON Schemas of the events' data, as LOCATION/EVENT_TYPE/MAJOR.json: classpath:schemas (shipped) or a
     * directory.
     */
    @UriParam(label = "schema", defaultValue = "classpath:schemas")
    @ConfigKey("eventbus.schema.location")
    private String schemaLocation = "classpath:schemas";

    /**
     * What a consumer does with an event whose schema_version major has no schema while other majors of its type do:
     * WARN delivers it, its data unchecked; REJECT dead-letters it.
     */
    @UriParam(label = "schema", defaultValue = "WARN", enums = "WARN,REJECT")
    @ConfigKey("eventbus.schema.major-version-policy")
    private MajorVersionPolicy schemaMajorVersionPolicy = MajorVersionPolicy.WARN;

    /** Whether events of a type without any registered schema are dead-lettered. */
    @UriParam(label = "schema", defaultValue = "false")
    @ConfigKey("eventbus.schema.require-registered")
    private boolean schemaRequireRegistered;

    /** Where bus:dlq writes when the failed exchange did not come from a bus: consumer. */
    @UriParam(label = "deadletter", defaultValue = "dead_letter")
    @ConfigKey("eventbus.deadletter.default-topic")
    private String deadletterDefaultTopic = "dead_letter";

    /** Replays of one event before a failure after the last one parks it on TOPIC.parked instead; 0: unlimited. */
    @UriParam(label = "deadletter", defaultValue = "3")
    @ConfigKey("eventbus.deadletter.max-replays")
    private int deadletterMaxReplays = 3;

    /** The most entries one dead-letter operation (eventbus dlq, the HTTP API) reads from a topic. */
    @UriParam(label = "deadletter", defaultValue = "100000")
    @ConfigKey(value = "eventbus.deadletter.browse-limit", min = 1)
    private int deadletterBrowseLimit = 100000;

    /**
     * The token that lets a request to eventbus run's HTTP server replay and purge dead letters (header
     * X-Eventbus-Token); unset: replay and purge are refused, reading stays open. Set it from the environment or a
     * secret file (EVENTBUS_HTTP_ADMIN_TOKEN_FILE). Never logged.
     */
    // the key ends in ".token", not "-token": Camel Main masks a key in its start-up log only when its last segment is
    // a word it knows as sensitive
    @UriParam(label = "security", secret = true)
    @ConfigKey("eventbus.http.admin.token")
    private String httpAdminToken;

    /**
     * Milliseconds between two polls of the brokers for the backlog gauges (lag, pending, members, topic length, DLQ
     * depth).
     */
    @UriParam(label = "metrics", defaultValue = "5000")
    @ConfigKey(value = "eventbus.metrics.backlog-interval", min = 1)
    private int metricsBacklogInterval = 5000;

    /** Distinct event_type values that tag the meters; later types are tagged other. */
    @UriParam(label = "metrics", defaultValue = "100")
    @ConfigKey(value = "eventbus.metrics.max-event-types", min = 1)
    private int metricsMaxEventTypes = 100;

    /** Whether eventbus run watches its route files and its --config file, applying their changes. */
    @UriParam(label = "reload", defaultValue = "true")
    @ConfigKey("eventbus.reload.enabled")
    private boolean reloadEnabled = true;

    /** Milliseconds between two looks of eventbus run at its route files and its --config file. */
    @UriParam(label = "reload", defaultValue = "1000")
    @ConfigKey(value = "eventbus.reload.interval", min = 1)
    private int reloadInterval = 1000;

    /**
     * The folder of route files the bus loads and watches in Karaf; empty: etc/eventbus/routes under Karaf's etc
     * folder. eventbus run takes its --routes option instead.
     */
    @UriParam(label = "reload")
    @ConfigKey("eventbus.reload.directory")
    private String reloadDirectory = "";

    /**
     * Whether the routes consuming bus: run; one route: the key eventbus.subscribers.ROUTE_ID.enabled. Applied again
     * whenever the --config file of eventbus run changes: a switched-off route stops once its in-flight events are
     * settled.
     */
    @UriParam(label = "consumer", defaultValue = "true")
    @ConfigKey("eventbus.subscribers.enabled")
    private boolean subscribersEnabled = true;

    /**
     * Whether bus: producers send; one topic: the key eventbus.publishers.TOPIC.enabled. Applied again whenever the
     * --config file of eventbus run changes; a switched-off publisher's events are logged and counted, not sent.
     * Dead letters are never switched off.
     */
    @UriParam(label = "producer", defaultValue = "true")
    @ConfigKey("eventbus.publishers.enabled")
    private boolean publishersEnabled = true;

    public String getTransport() {
        return transport;
    }

    public void setTransport(String transport) {
        this.transport = transport;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public String getMiddleware() {
        return middleware;
    }

    public void setMiddleware(String middleware) {
        this.middleware = middleware;
    }

    public int getEnvelopeMaxBytes() {
        return envelopeMaxBytes;
    }

    public void setEnvelopeMaxBytes(int envelopeMaxBytes) {
        this.envelopeMaxBytes = envelopeMaxBytes;
    }

    public String getSchemaLocation() {
        return schemaLocation;
    }

    public void setSchemaLocation(String schemaLocation) {
        this.schemaLocation = schemaLocation;
    }

    public MajorVersionPolicy getSchemaMajorVersionPolicy() {
        return schemaMajorVersionPolicy;
    }

    public void setSchemaMajorVersionPolicy(MajorVersionPolicy schemaMajorVersionPolicy) {
        this.schemaMajorVersionPolicy = schemaMajorVersionPolicy;
    }

    public boolean isSchemaRequireRegistered() {
        return schemaRequireRegistered;
    }

    public void setSchemaRequireRegistered(boolean schemaRequireRegistered) {
        this.schemaRequireRegistered = schemaRequireRegistered;
    }

    public String getDeadletterDefaultTopic() {
        return deadletterDefaultTopic;
    }

    public void setDeadletterDefaultTopic(String deadletterDefaultTopic) {
        this.deadletterDefaultTopic = deadletterDefaultTopic;
    }

    public int getDeadletterMaxReplays() {
        return deadletterMaxReplays;
    }

    public void setDeadletterMaxReplays(int deadletterMaxReplays) {
        this.deadletterMaxReplays = deadletterMaxReplays;
    }

    public int getDeadletterBrowseLimit() {
        return deadletterBrowseLimit;
    }

    public void setDeadletterBrowseLimit(int deadletterBrowseLimit) {
        this.deadletterBrowseLimit = deadletterBrowseLimit;
    }

    public String getHttpAdminToken() {
        return httpAdminToken;
    }

    public void setHttpAdminToken(String httpAdminToken) {
        this.httpAdminToken = httpAdminToken;
    }

    public int getMetricsBacklogInterval() {
        return metricsBacklogInterval;
    }

    public void setMetricsBacklogInterval(int metricsBacklogInterval) {
        this.metricsBacklogInterval = metricsBacklogInterval;
    }

    public int getMetricsMaxEventTypes() {
        return metricsMaxEventTypes;
    }

    public void setMetricsMaxEventTypes(int metricsMaxEventTypes) {
        this.metricsMaxEventTypes = metricsMaxEventTypes;
    }

    public boolean isReloadEnabled() {
        return reloadEnabled;
    }

    public void setReloadEnabled(boolean reloadEnabled) {
        this.reloadEnabled = reloadEnabled;
    }

    public int getReloadInterval() {
        return reloadInterval;
    }

    public void setReloadInterval(int reloadInterval) {
        this.reloadInterval = reloadInterval;
    }

    public String getReloadDirectory() {
        return reloadDirectory;
    }

    public void setReloadDirectory(String reloadDirectory) {
        this.reloadDirectory = reloadDirectory;
    }

    public boolean isSubscribersEnabled() {
        return subscribersEnabled;
    }

    public void setSubscribersEnabled(boolean subscribersEnabled) {
        this.subscribersEnabled = subscribersEnabled;
    }

    public boolean isPublishersEnabled() {
        return publishersEnabled;
    }

    public void setPublishersEnabled(boolean publishersEnabled) {
        this.publishersEnabled = publishersEnabled;
    }
}
