package io.eventbus.transport;

import java.util.List;
import java.util.Map;

/**
 * What a broker holds for one topic, for {@code eventbus stats} and the observability gauges. A figure the broker
 * cannot tell is null, never a guess.
 *
 * @param topic   the topic
 * @param length  events the transport retains for the topic (stream length, partition log size, topic ring
 *                buffer); null where the broker keeps no log (a RabbitMQ exchange)
 * @param groups  one entry per consumer group the broker knows of (or was asked about)
 * @param details transport-specific figures (partitions, first and last entry id, …); never secrets
 */
public record TopicStats(String topic, Long length, List<GroupStats> groups, Map<String, Object> details) {

    public TopicStats {
        groups = List.copyOf(groups);
        details = Map.copyOf(details);
    }

    /**
     * One consumer group's position on a topic.
     *
     * @param group     the group
     * @param lag       events not yet delivered to the group (queue depth on RabbitMQ), or null
     * @param pending   events delivered to a member and not yet acknowledged, or null
     * @param consumers members currently attached, or null
     * @param idleMillis how long the group has had no live member, in milliseconds: 0 (or the few milliseconds
     *                  since a member last read) while one is attached; null where the broker cannot tell. What
     *                  {@code eventbus groups prune} and {@code eventbus.groups.abandon-after} judge a group by
     * @param heldPastRetention events the transport keeps beyond its retention target only because this group has
     *                  not read or acknowledged them; null where the transport has no such target or cannot tell
     */
    public record GroupStats(String group, Long lag, Long pending, Integer consumers, Long idleMillis,
            Long heldPastRetention) {

        /** A group whose idle time the broker cannot tell and whose transport has no retention target (Kafka, RabbitMQ). */
        public GroupStats(String group, Long lag, Long pending, Integer consumers) {
            this(group, lag, pending, consumers, null, null);
        }
    }
}
