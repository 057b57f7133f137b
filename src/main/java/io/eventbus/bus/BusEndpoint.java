package io.eventbus.bus;

import java.util.Arrays;
import java.util.List;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.StartPosition;
import io.eventbus.transport.Transport;
import io.eventbus.transport.TransportOption;

/**
 * Publish to or consume from a topic of the event bus, over the transport configuration assigns to the topic.
 * <p>
 * {@code bus:dlq} is reserved: used as a dead-letter channel it writes the failed event to the dead-letter topic
 * of the topic it was consumed from ({@code <topic>.dlq}). Any {@code bus:<topic>.dlq} endpoint used as a
 * dead-letter channel writes a dead letter (the original envelope plus failure metadata) rather than the exchange
 * body.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "bus", title = "Event Bus", syntax = "bus:topic",
             category = { Category.MESSAGING }, headersClass = BusConstants.class)
public class BusEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {

    @UriPath(description = "The topic name, e.g. listings.raw.")
    @Metadata(required = true)
    private String topic;

    @UriParam(label = "consumer", description = "The consumer group. Every group receives every event; members of "
            + "one group compete. Default: the route id, so each route is its own group.")
    private String group;

    @UriParam(label = "consumer", defaultValue = "1", description = "How many events this consumer processes at "
            + "once (in-flight bound). With 1, events of a topic are processed in order.")
    private int concurrency = 1;

    @UriParam(label = "consumer", defaultValue = "1000", description = "Delay in milliseconds before the transport "
            + "redelivers an event whose exchange failed (default 1000).")
    private long redeliveryDelay = 1000;

    @UriParam(label = "consumer", defaultValue = "10", description = "The most deliveries of one event to this group "
            + "(default 10); the next one dead-letters it instead of calling the route. 0 means unlimited.")
    private int maxDeliveries = 10;

    @UriParam(label = "consumer", defaultValue = "EARLIEST", enums = "EARLIEST,LATEST", description = "Where a "
            + "consumer group that does not exist yet starts: the oldest retained event or only new ones.")
    private StartPosition startFrom = StartPosition.EARLIEST;

    @UriParam(label = "producer", description = "The event_type given to a body that is not an envelope; "
            + "otherwise the EventType header is used.")
    private String eventType;

    @UriParam(label = "producer", description = "The source given to events this endpoint creates from a plain "
            + "body. Default: eventbus.source.")
    private String source;

    @UriParam(label = "producer", defaultValue = "false", description = "Publish CloudEvents 1.0 structured JSON "
            + "instead of the envelope JSON (default false).")
    private boolean cloudEvents;

    @UriParam(label = "producer", defaultValue = "30000", description = "With exchangePattern=InOut (request-reply): "
            + "milliseconds to wait for the reply before the exchange fails with ExchangeTimedOutException "
            + "(default 30000).")
    private long requestTimeout = 30000;

    @UriParam(label = "producer", description = "Priority (0-255) of every message this endpoint publishes; the "
            + "EventbusPriority header overrides it per message. Honoured by RabbitMQ (queues with x-max-priority, "
            + "see eventbus.rabbitmq.max-priority); a route setting it on a topic of another transport fails to "
            + "start.")
    private Integer priority;

    @UriParam(label = "consumer", description = "RabbitMQ only: the routing-key pattern(s) the group's queue is bound "
            + "with, comma-separated, with the topic exchange's wildcards (orders.*.eu, orders.#); the group then "
            + "receives only the messages whose routing key (EventbusRoutingKey, default the topic) matches. Default: "
            + "the topic. A route setting it on a topic of another transport fails to start.")
    private String bindingKey;

    @UriParam(label = "producer", defaultValue = "0", description = "Delay in milliseconds before a published event "
            + "reaches any consumer (default 0: at once); the headers EventbusDelay and EventbusDeliverAt override it. "
            + "The transport holds the event, across restarts where it is persistent (docs/endpoint.md).")
    private long delay;

    public BusEndpoint(String uri, BusComponent component, String topic) {
        super(uri, component);
        this.topic = topic;
    }

    @Override
    public BusComponent getComponent() {
        return (BusComponent) super.getComponent();
    }

    /** Several routes may consume one endpoint: each is a member of the group (or its own group). */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    @Override
    public Producer createProducer() {
        return new BusProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (DeadLetterTopics.OF_SOURCE.equals(topic)) {
            throw new IllegalArgumentException("bus:dlq is reserved for dead-letter channels and cannot be consumed; "
                    + "consume bus:<topic>.dlq instead");
        }
        BusConsumer consumer = new BusConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /**
     * Refuses, when the producer or consumer starts, an option the topic's transport would ignore, so that a route
     * never runs believing it has, say, priorities it does not get.
     */
    void refuseUnlessHonoured(TransportOption option) {
        Transport transport = getComponent().transportFor(topic);
        if (!transport.honours(option)) {
            throw new IllegalArgumentException("the " + transport.name() + " transport does not honour "
                    + option.optionName() + " (option " + option.optionName() + " on bus:" + topic + "); remove it, "
                    + "or carry the topic on a transport that does (rabbitmq: eventbus.topics." + topic
                    + ".transport=rabbitmq)");
        }
    }

    /** The routing-key patterns of {@code bindingKey}, empty when it is not set. */
    List<String> getBindingKeys() {
        if (bindingKey == null) {
            return List.of();
        }
        return Arrays.stream(bindingKey.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public int getConcurrency() {
        return concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public long getRedeliveryDelay() {
        return redeliveryDelay;
    }

    public void setRedeliveryDelay(long redeliveryDelay) {
        this.redeliveryDelay = redeliveryDelay;
    }

    public int getMaxDeliveries() {
        return maxDeliveries;
    }

    public void setMaxDeliveries(int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    public StartPosition getStartFrom() {
        return startFrom;
    }

    public void setStartFrom(StartPosition startFrom) {
        this.startFrom = startFrom;
    }

    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    public String getSource() {
        return source;
    }

    public void setSource(String source) {
        this.source = source;
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(long requestTimeout) {
        if (requestTimeout <= 0) {
            throw new IllegalArgumentException("requestTimeout must be > 0 milliseconds but was " + requestTimeout);
        }
        this.requestTimeout = requestTimeout;
    }

    public Integer getPriority() {
        return priority;
    }

    public void setPriority(Integer priority) {
        if (priority != null && (priority < 0 || priority > 255)) {
            throw new IllegalArgumentException("priority must be between 0 and 255 but was " + priority);
        }
        this.priority = priority;
    }

    public String getBindingKey() {
        return bindingKey;
    }

    public void setBindingKey(String bindingKey) {
        if (bindingKey != null && bindingKey.isBlank()) {
            throw new IllegalArgumentException("bindingKey must not be empty");
        }
        this.bindingKey = bindingKey;
    }

    public long getDelay() {
        return delay;
    }

    public void setDelay(long delay) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0 milliseconds but was " + delay);
        }
        this.delay = delay;
    }

    public boolean isCloudEvents() {
        return cloudEvents;
    }

    public void setCloudEvents(boolean cloudEvents) {
        this.cloudEvents = cloudEvents;
    }
}
