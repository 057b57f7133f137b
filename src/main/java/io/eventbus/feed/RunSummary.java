package io.eventbus.feed;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.eventbus.bus.BusConstants;
import io.eventbus.bus.BusEndpoint;
import io.eventbus.bus.ConsumedEvent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.DeadLetterTopics;

/**
 * Counts what a run moved and prints it as one JSON line: events published by the feed, processed (consumed from
 * the feed topic and completed without being dead-lettered, each event once however many groups consume it),
 * dead-lettered (counted by reading {@code <topic>.dlq} with the summary's own consumer group, so invalid events
 * rejected before any route are counted too), per topic and event type, and the latency from {@code published_at}
 * to completion, and deduplicated (feed events an Idempotent Consumer filtered as duplicates). When every event of the
 * feed topic is accounted for, {@code published = processed + dead_lettered + deduplicated}.
 */
public final class RunSummary extends EventNotifierSupport {

    public static final String GROUP = "eventbus-run-summary";
    public static final String COUNTER_ROUTE_ID = "eventbus-run-summary-dlq";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String feedTopic;
    private final Set<String> processedIds = ConcurrentHashMap.newKeySet();
    private final Set<String> deadLetteredIds = ConcurrentHashMap.newKeySet();
    /** Per topic, the events processed there, each once however many groups consumed it. */
    private final Map<String, Set<String>> processedByTopic = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deadLetteredByTopic = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> processedByType = new ConcurrentHashMap<>();
    private final List<Double> latenciesMillis = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger deduplicated = new AtomicInteger();
    private volatile int published;

    public RunSummary(String feedTopic) {
        this.feedTopic = feedTopic;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreStepEvents(true);
    }

    /** A route reading the feed topic's dead letters, so that they are counted whichever path wrote them. */
    public RouteBuilder deadLetterCounter() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + DeadLetterTopics.deadLetterTopicOf(feedTopic) + "?group=" + GROUP)
                        .routeId(COUNTER_ROUTE_ID).log(org.apache.camel.LoggingLevel.DEBUG, "dead letter ${header.EventId}");
            }
        };
    }

    public void published(int count) {
        published = count;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof ExchangeCompletedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((ExchangeCompletedEvent) event).getExchange();
        // only exchanges a bus: consumer created; a producer template's exchange names bus: as its endpoint too
        ConsumedEvent consumed = exchange.getProperty(BusConstants.CONSUMED_EVENT, ConsumedEvent.class);
        if (!(exchange.getFromEndpoint() instanceof BusEndpoint endpoint) || exchange.isFailed() || consumed == null) {
            return;
        }
        // the consumed event, not the body or headers: a route's stages replace both with the events they derive
        String eventId = consumed.eventId();
        String topic = endpoint.getTopic();
        if (topic.endsWith(DeadLetterTopics.DEAD_LETTER_SUFFIX)) {
            Envelope deadLetter = exchange.getIn().getBody(Envelope.class);
            // one event dead-lettered twice (an exact re-send failing like its original) is two dead letters; a
            // redelivered dead letter is one: its failed_at tells them apart
            Object failedAt = deadLetter == null ? null : deadLetter.getMetadata().get("failed_at");
            if (GROUP.equals(exchange.getIn().getHeader(BusConstants.GROUP))
                    && deadLetteredIds.add(eventId + "@" + failedAt)) {
                Object from = deadLetter == null ? null : deadLetter.getMetadata().get("dead_lettered_from");
                deadLetteredByTopic.computeIfAbsent(String.valueOf(from), t -> new AtomicInteger()).incrementAndGet();
            }
            return;
        }
        if (Boolean.TRUE.equals(exchange.getProperty(BusConstants.DEAD_LETTERED))) {
            return;
        }
        if (topic.equals(feedTopic) && exchange.getProperty(ExchangePropertyKey.DUPLICATE_MESSAGE, false, Boolean.class)) {
            deduplicated.incrementAndGet(); // filtered by an Idempotent Consumer: accounted for, not processed
            return;
        }
        processedByTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(eventId);
        if (topic.equals(feedTopic) && processedIds.add(eventId)) {
            processedByType.computeIfAbsent(String.valueOf(consumed.eventType()), t -> new AtomicInteger())
                    .incrementAndGet();
            latencyOf(consumed.publishedAt());
        }
    }

    /** The summary line. */
    public String toJson() {
        ObjectNode json = MAPPER.createObjectNode();
        int deadLettered = deadLetteredByTopic.getOrDefault(feedTopic, new AtomicInteger()).get();
        json.put("published", published);
        json.put("processed", processedIds.size());
        json.put("dead_lettered", deadLettered);
        json.put("deduplicated", deduplicated.get());
        ObjectNode byTopic = json.putObject("by_topic");
        Set<String> topics = new java.util.TreeSet<>(processedByTopic.keySet());
        topics.addAll(deadLetteredByTopic.keySet());
        for (String topic : topics) {
            byTopic.putObject(topic)
                    .put("processed", processedByTopic.getOrDefault(topic, Set.of()).size())
                    .put("dead_lettered", deadLetteredByTopic.getOrDefault(topic, new AtomicInteger()).get());
        }
        ObjectNode byType = json.putObject("by_event_type");
        new TreeMap<>(processedByType).forEach((type, n) -> byType.put(type, n.get()));
        ObjectNode latency = json.putObject("latency_ms");
        List<Double> sorted;
        synchronized (latenciesMillis) {
            sorted = new ArrayList<>(latenciesMillis);
        }
        sorted.sort(null);
        latency.put("p50", percentile(sorted, 50));
        latency.put("p99", percentile(sorted, 99));
        return json.toString();
    }

    private void latencyOf(String publishedAt) {
        if (publishedAt == null) {
            return;
        }
        try {
            latenciesMillis.add(Duration.between(Instant.parse(publishedAt), Instant.now()).toNanos() / 1e6);
        } catch (DateTimeParseException e) {
            // validated on consume; nothing to measure otherwise
        }
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Math.round(sorted.get(Math.max(0, rank - 1)) * 1000) / 1000.0;
    }
}
