package io.eventbus.transport;

/**
 * How the bus names the topics failures go to, in one place, for the bus that writes them, the tools that read them
 * and the transports that must keep them (a RabbitMQ queue per dead-letter topic, a Redis stream never trimmed):
 * <ul>
 * <li>{@code <topic>.dlq}: the dead letters of {@code <topic>}, on the transport of {@code <topic>};</li>
 * <li>{@code <topic>.parked}: events of {@code <topic>} that failed again after their last allowed replay, waiting
 * for a human;</li>
 * <li>{@value #DEFAULT_FAILED_TOPIC}: where a {@code processing_failed} event tells of each dead letter, unless
 * {@code eventbus.deadletter.failed-topic} names another;</li>
 * <li>{@value #OF_SOURCE}: not a topic but the name {@code bus:dlq} uses for "the dead-letter topic of the topic the
 * failed event came from".</li>
 * </ul>
 */
public final class DeadLetterTopics {

    /** Suffix of a topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";
    /** Suffix of a topic's parked topic, where events that failed again after their last allowed replay wait. */
    public static final String PARKED_SUFFIX = ".parked";
    /** Where {@code processing_failed} events go unless configured otherwise. */
    public static final String DEFAULT_FAILED_TOPIC = "processing.failed";
    /** The reserved topic meaning "the dead-letter topic of the failed event's source topic". */
    public static final String OF_SOURCE = "dlq";

    private DeadLetterTopics() {
    }

    /** {@code <topic>.dlq}. */
    public static String deadLetterTopicOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    /** {@code <topic>.parked}. */
    public static String parkedTopicOf(String topic) {
        return topic + PARKED_SUFFIX;
    }

    /** Whether the topic is some topic's dead-letter topic. */
    public static boolean isDeadLetterTopic(String topic) {
        return topic.endsWith(DEAD_LETTER_SUFFIX);
    }

    /** Whether the topic is some topic's parked topic. */
    public static boolean isParkedTopic(String topic) {
        return topic.endsWith(PARKED_SUFFIX);
    }

    /** The topic whose failures a dead-letter or parked topic holds; any other topic itself. */
    public static String sourceTopicOf(String topic) {
        if (isDeadLetterTopic(topic)) {
            return topic.substring(0, topic.length() - DEAD_LETTER_SUFFIX.length());
        }
        if (isParkedTopic(topic)) {
            return topic.substring(0, topic.length() - PARKED_SUFFIX.length());
        }
        return topic;
    }
}
