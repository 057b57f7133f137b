package io.eventbus.transport;

import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The bus's settings that transports follow too: where {@code processing_failed} events go (the RabbitMQ transport
 * keeps a queue of that name, so publishing them never fails as unroutable) and when a consumer group counts as
 * abandoned (the memory transport drops it at a publish). The bus component's settings extend this class, so these
 * are its options like the others; a transport reads them with
 * {@code EventBusProperties.settings(SharedSettings.class)}.
 */
@UriParams
public class SharedSettings {

    /**
     * The topic of the processing_failed event published for each dead letter; none publishes none.
     */
    @UriParam(label = "deadletter", defaultValue = DeadLetterTopics.DEFAULT_FAILED_TOPIC)
    @ConfigKey("eventbus.deadletter.failed-topic")
    private String deadletterFailedTopic = DeadLetterTopics.DEFAULT_FAILED_TOPIC;

    /**
     * Milliseconds a consumer group may have no live member before the running application drops it, so that it
     * stops holding its topic's retained events; 0: never. The memory transport checks at each publish; on Redis
     * the bus checks the groups of its topics periodically, sparing those its own routes declare. Kafka and RabbitMQ
     * cannot tell since when a group is empty (use offsets.retention.minutes and x-expires there).
     */
    @UriParam(label = "groups", defaultValue = "0")
    @ConfigKey("eventbus.groups.abandon-after")
    private long groupsAbandonAfter;

    public String getDeadletterFailedTopic() {
        return deadletterFailedTopic;
    }

    public void setDeadletterFailedTopic(String deadletterFailedTopic) {
        this.deadletterFailedTopic = deadletterFailedTopic;
    }

    /** The dead-letter failed topic, or null when it is none (no processing_failed events). */
    public String failedTopicOrNull() {
        return deadletterFailedTopic == null || deadletterFailedTopic.equalsIgnoreCase("none") ? null
                : deadletterFailedTopic;
    }

    public long getGroupsAbandonAfter() {
        return groupsAbandonAfter;
    }

    public void setGroupsAbandonAfter(long groupsAbandonAfter) {
        this.groupsAbandonAfter = groupsAbandonAfter;
    }
}
