package io.eventbus.observability;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.bus.BusConsumer;
import io.eventbus.transport.DeadLetterTopics;
import io.eventbus.transport.TopicStats;
import io.eventbus.transport.Transport;

/**
 * The backlog gauges: per topic its length ({@value BusMetrics#TOPIC_LENGTH}) and its dead-letter topic's
 * ({@value BusMetrics#DLQ_DEPTH}); per consumer group {@value BusMetrics#LAG}, {@value BusMetrics#PENDING},
 * {@value BusMetrics#MEMBERS} and, where the transport has a retention target a group can hold back (Redis),
 * {@value BusMetrics#HELD_PAST_RETENTION}. Every topic some {@code bus:} consumer of this application reads is polled through
 * its transport's {@link Transport#stats} every {@code intervalMillis} on one thread, and the gauges show the last
 * poll: a scrape never waits for a broker, and each transport, present or future, is covered by implementing
 * {@code stats}. A figure the broker cannot tell, or a poll that failed, shows as NaN.
 */
public final class BacklogGauges extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

    private final CamelContext context;
    private final BusMetrics metrics;
    private final Function<String, Transport> transports;
    private final long intervalMillis;
    private final Map<Tags, Figure> figures = new ConcurrentHashMap<>();
    private final Set<String> failingTopics = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService executor;

    public BacklogGauges(CamelContext context, BusMetrics metrics, Function<String, Transport> transports,
            long intervalMillis) {
        this.context = context;
        this.metrics = metrics;
        this.transports = transports;
        this.intervalMillis = intervalMillis;
    }

    @Override
    protected void doStart() {
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventbus-backlog");
        executor.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
    }

    /** Polls every consumed topic now; the scheduled poll calls this, and so may a test. */
    public void poll() {
        for (Map.Entry<String, Set<String>> topic : consumedTopics().entrySet()) {
            try {
                poll(topic.getKey(), topic.getValue());
                failingTopics.remove(topic.getKey());
            } catch (Exception e) {
                if (failingTopics.add(topic.getKey())) {
                    LOG.warn("Backlog gauges of topic {}: the broker's statistics failed, showing NaN until they "
                            + "answer: {}", topic.getKey(), e.getMessage());
                }
                figures.forEach((tags, figure) -> {
                    if (tags.stream().anyMatch(t -> t.getKey().equals(BusMetrics.TOPIC)
                            && t.getValue().equals(topic.getKey()))) {
                        figure.value = Double.NaN;
                    }
                });
            }
        }
    }

    private void poll(String topic, Set<String> groups) throws Exception {
        Transport transport = transports.apply(topic);
        TopicStats stats = transport.stats(topic, groups);
        Tags topicTags = Tags.of(BusMetrics.TOPIC, topic, BusMetrics.TRANSPORT, transport.name());
        set(BusMetrics.TOPIC_LENGTH, "Events the transport retains for the topic", topicTags, stats.length());
        for (TopicStats.GroupStats group : stats.groups()) {
            if (!groups.contains(group.group())) {
                continue; // only this application's groups: bounded, and others' are their business
            }
            Tags groupTags = topicTags.and(BusMetrics.GROUP, group.group());
            set(BusMetrics.LAG, "Events not yet delivered to the group (queue depth on RabbitMQ)", groupTags,
                    group.lag());
            set(BusMetrics.PENDING, "Events delivered to the group and not yet acknowledged", groupTags,
                    group.pending());
            set(BusMetrics.MEMBERS, "Members of the group attached to the topic", groupTags, group.consumers());
            if (group.heldPastRetention() != null || figures.containsKey(
                    groupTags.and("__name", BusMetrics.HELD_PAST_RETENTION))) {
                set(BusMetrics.HELD_PAST_RETENTION, "Events kept beyond the topic's retention target only because "
                        + "the group has not read or acknowledged them", groupTags, group.heldPastRetention());
            }
        }
        TopicStats dlq = transport.stats(DeadLetterTopics.deadLetterTopicOf(topic), Set.of());
        set(BusMetrics.DLQ_DEPTH, "Dead letters retained in the topic's dead-letter topic", topicTags, dlq.length());
    }

    /** Topic to groups, of every started {@code bus:} consumer. */
    private Map<String, Set<String>> consumedTopics() {
        Map<String, Set<String>> topics = new TreeMap<>();
        for (Route route : context.getRoutes()) {
            if (route.getConsumer() instanceof BusConsumer consumer && consumer.getGroup() != null
                    && consumer.isStarted()) {
                topics.computeIfAbsent(consumer.getEndpoint().getTopic(), t -> new TreeSet<>())
                        .add(consumer.getGroup());
            }
        }
        return topics;
    }

    private void set(String name, String description, Tags tags, Number value) {
        Tags key = tags.and("__name", name);
        Figure figure = figures.computeIfAbsent(key, k -> {
            Figure created = new Figure();
            metrics.gauge(name, description, tags, created, f -> f.value);
            return created;
        });
        figure.value = value == null ? Double.NaN : value.doubleValue();
    }

    /** The last polled value of one gauge. */
    private static final class Figure {
        volatile double value = Double.NaN;
    }
}
