package io.eventbus.bus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.eventbus.transport.Transport;

/**
 * {@code eventbus.groups.abandon-after}: while the application runs, drops the consumer groups of its topics that
 * have had no live member for that long, so that a group gone for good stops holding the topic's retained events
 * (on Redis, whose retention waits for every group, for ever). Started by the {@code bus} component only when the key is above 0.
 * <ul>
 * <li>Which topics: every {@code bus:} topic of this application's endpoints, consumed or published to; the groups
 * judged are all the broker knows of there (see {@link AbandonedGroups}).</li>
 * <li>Never dropped: a group one of this application's routes declares, even with the route stopped (switched off,
 * it is coming back); a group whose idle time the broker cannot tell (Kafka and RabbitMQ have their own expiry:
 * {@code offsets.retention.minutes}, {@code x-expires}); a group the transport refuses to delete.</li>
 * <li>Each drop is logged at WARN with the group, the topic and what it had not received; a failing broker at WARN
 * once per topic until it answers again.</li>
 * </ul>
 * The check runs every tenth of the limit, at least every minute and at most every second, on one thread.
 */
public final class AbandonedGroupSweeper extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedGroupSweeper.class);

    private final CamelContext context;
    private final Function<String, Transport> transports;
    private final long abandonAfterMillis;
    private final Set<String> failingTopics = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService executor;

    public AbandonedGroupSweeper(CamelContext context, Function<String, Transport> transports,
            long abandonAfterMillis) {
        this.context = context;
        this.transports = transports;
        this.abandonAfterMillis = abandonAfterMillis;
    }

    @Override
    protected void doStart() {
        long interval = Math.max(1000, Math.min(60_000, abandonAfterMillis / 10));
        executor = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventbus-groups");
        executor.scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (executor != null) {
            context.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
    }

    /** Judges the groups of every topic of this application now; the scheduled check calls this. */
    public void sweep() {
        Map<String, Set<String>> ownGroups = ownGroupsByTopic();
        for (String topic : topics()) {
            try {
                Transport transport = transports.apply(topic);
                for (AbandonedGroups.Judged judged : AbandonedGroups.prune(transport, topic, abandonAfterMillis,
                        ownGroups.getOrDefault(topic, Set.of()), false)) {
                    if (judged.verdict() == AbandonedGroups.Verdict.DROPPED) {
                        LOG.warn("Dropped consumer group '{}' of topic '{}' on {}: no live member for {} ms "
                                + "(eventbus.groups.abandon-after={}); it had not received {} events (lag) and "
                                + "had {} unacknowledged", judged.group(), topic, transport.name(),
                                judged.idleMillis(), abandonAfterMillis, figure(judged.lag()),
                                figure(judged.pending()));
                    }
                }
                failingTopics.remove(topic);
            } catch (Exception e) {
                if (failingTopics.add(topic)) {
                    LOG.warn("Cannot look for abandoned consumer groups of topic '{}': {}", topic, e.getMessage());
                }
            }
        }
    }

    /** The topics of this application's {@code bus:} endpoints. */
    private Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof BusEndpoint bus) {
                topics.add(bus.getTopic());
            }
        }
        return topics;
    }

    /** Topic to the groups this application's routes consume it with, started or not. */
    private Map<String, Set<String>> ownGroupsByTopic() {
        Map<String, Set<String>> groups = new HashMap<>();
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof BusEndpoint endpoint) {
                String group = endpoint.getGroup() != null ? endpoint.getGroup() : route.getRouteId();
                groups.computeIfAbsent(endpoint.getTopic(), t -> new HashSet<>()).add(group);
            }
        }
        return groups;
    }

    private static String figure(Long value) {
        return value == null ? "an unknown number of" : value.toString();
    }
}
