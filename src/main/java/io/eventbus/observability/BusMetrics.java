package io.eventbus.observability;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;

import io.eventbus.bus.BusObserver;
import io.eventbus.bus.ConsumerTags;
import io.eventbus.bus.Settlement;
import io.eventbus.errorhandling.CircuitBreakerHold;
import io.eventbus.errorhandling.HeldCircuitBreaker;

/**
 * The bus's own meters, in one place: their names, their tags, and the calls that record them. They live in the
 * Micrometer registry Camel's metrics use ({@code metricsRegistry} in the Camel registry, the one
 * {@code camel.metrics.*} creates and {@code /observe/metrics} serves); without one, a Prometheus registry is created
 * and bound under that name, so Camel's own meters and these end up in one scrape.
 * <p>
 * Names follow Micrometer's conventions: {@code eventbus.events.published} is scraped as
 * {@code eventbus_events_published_total}. Tags are bounded: topics, groups, routes, stages and transports come from
 * configuration and routes; event types only from events that validated, and at most {@code maxEventTypes} of them
 * (later ones are tagged {@value #OTHER}); never an event id.
 */
public final class BusMetrics implements BusObserver {

    public static final String PUBLISHED = "eventbus.events.published";
    public static final String CONSUMED = "eventbus.events.consumed";
    public static final String ACKNOWLEDGED = "eventbus.events.acknowledged";
    public static final String REDELIVERED = "eventbus.events.redelivered";
    public static final String FAILED = "eventbus.events.failed";
    public static final String DEAD_LETTERED = "eventbus.events.dead.lettered";
    public static final String DEDUPLICATED = "eventbus.events.deduplicated";
    public static final String UNROUTABLE = "eventbus.events.unroutable";
    /**
     * Events a consumer group never received because the broker no longer had them when the group got there (its
     * retention deleted them first).
     */
    public static final String SKIPPED = "eventbus.events.skipped";
    /** End-to-end latency: settlement of a processed event minus its {@code published_at}. */
    public static final String LATENCY = "eventbus.events.latency";
    /** p50, p95 and p99 of {@link #LATENCY}, tagged {@code quantile}. */
    public static final String LATENCY_PERCENTILE = "eventbus.events.latency.percentile";
    /** Duration of one pipeline stage (a Camel {@code step}). */
    public static final String STAGE_DURATION = "eventbus.stage.duration";
    /** Duration of a route's processing of one consumed event, recorded by the {@code metrics} middleware. */
    public static final String PROCESSING = "eventbus.consumer.processing";
    public static final String LAG = "eventbus.consumer.lag";
    public static final String PENDING = "eventbus.consumer.pending";
    public static final String MEMBERS = "eventbus.consumer.members";
    /** Events kept beyond the topic's retention target only because the group has not read or acknowledged them. */
    public static final String HELD_PAST_RETENTION = "eventbus.consumer.held.past.retention";
    public static final String TOPIC_LENGTH = "eventbus.topic.length";
    public static final String DLQ_DEPTH = "eventbus.dlq.depth";
    public static final String RELOADS = "eventbus.routes.reloads";
    public static final String RELOAD_FAILURES = "eventbus.routes.reload.failures";
    public static final String CONFIG_RELOADS = "eventbus.config.reloads";
    public static final String SCHEMA_RELOADS = "eventbus.schemas.reloads";

    /** Per circuit breaker and state ({@code closed}, {@code open}, {@code half_open}): 1 for its state now, else 0. */
    public static final String BREAKER_STATE = "eventbus.breaker.state";
    public static final String BREAKER_FAILURE_RATE = "eventbus.breaker.failure.rate";
    public static final String BREAKER_NOT_PERMITTED = "eventbus.breaker.not.permitted";
    public static final String BREAKER_HELD = "eventbus.breaker.held";
    public static final String TOPIC = "topic";
    public static final String EVENT_TYPE = "event_type";
    public static final String TRANSPORT = "transport";
    public static final String GROUP = "group";
    public static final String ROUTE = "route";
    public static final String BREAKER = "breaker";
    public static final String STATE = "state";
    public static final String STAGE = "stage";
    public static final String OUTCOME = "outcome";
    /** Who redelivered: {@code transport} (a delivery count above 1) or {@code camel} (the route's error handler). */
    public static final String REDELIVERED_BY = "redelivered_by";
    /** Why an event is unroutable: {@code routing_table} (no entry for its type) or {@code broker} (returned). */
    public static final String REASON = "reason";

    /** The event_type tag of event types beyond the bound. */
    public static final String OTHER = "other";
    public static final int DEFAULT_MAX_EVENT_TYPES = 100;

    private static final double[] PERCENTILES = { 0.5, 0.95, 0.99 };
    /** The latency histogram's buckets: a fixed, short list keeps its series few; p50/p95/p99 come as quantiles. */
    private static final Duration[] LATENCY_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1) };

    private final MeterRegistry registry;
    private final int maxEventTypes;
    private final Set<String> eventTypes = ConcurrentHashMap.newKeySet();
    /**
     * The meters recorded per event, by what names them: building their tags and looking them up in the registry
     * for every event cost more than a transport's own work (the Redis benchmark halved). Bounded like the meters:
     * event types are capped by {@link #type}, consumers and topics are the application's.
     */
    private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();
    private final Map<MeterKey, Timer> latencyTimers = new ConcurrentHashMap<>();

    /** What names a per-event meter: its name, its owner (a consumer's tags or a topic and transport), the type. */
    private record MeterKey(String name, Object owner, String eventType) {
    }

    public BusMetrics(MeterRegistry registry, int maxEventTypes) {
        this.registry = registry;
        this.maxEventTypes = maxEventTypes;
    }

    /**
     * The meters of a Camel context, in its {@code metricsRegistry}; creates and binds a Prometheus registry there
     * when there is none yet.
     */
    public static BusMetrics of(CamelContext context, int maxEventTypes) {
        MeterRegistry registry = MicrometerUtils.getMeterRegistryFromCamelRegistry(context.getRegistry(),
                MicrometerConstants.METRICS_REGISTRY_NAME);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        return new BusMetrics(registry, maxEventTypes);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** An event the transport confirmed. */
    @Override
    public void published(String topic, String eventType, String transport) {
        String type = type(eventType);
        counters.computeIfAbsent(new MeterKey(PUBLISHED, List.of(topic, transport), type),
                k -> counter(PUBLISHED, Tags.of(TOPIC, topic, EVENT_TYPE, type, TRANSPORT, transport))).increment();
    }

    /**
     * A valid event handed to a {@code bus:} consumer's route; a delivery count above 1 is also a redelivery by the
     * transport.
     */
    @Override
    public void consumed(ConsumerTags consumer, String eventType, int deliveryCount) {
        String type = type(eventType);
        consumerCounter(CONSUMED, consumer, type).increment();
        if (deliveryCount > 1) {
            counter(REDELIVERED, tags(consumer).and(EVENT_TYPE, type).and(REDELIVERED_BY, "transport")).increment();
        }
    }

    /**
     * A delivery settled: {@value #ACKNOWLEDGED} or {@value #FAILED}; the route's error handler's redeliveries of it
     * ({@value #REDELIVERED}, {@code redelivered_by=camel}); and for a processed event, whether it was a duplicate
     * ({@value #DEDUPLICATED}) and its end-to-end {@link #LATENCY latency}.
     */
    @Override
    public void settled(ConsumerTags consumer, String eventType, Settlement settlement) {
        String type = type(eventType);
        consumerCounter(settlement.acknowledged() ? ACKNOWLEDGED : FAILED, consumer, type).increment();
        if (settlement.redeliveries() > 0) {
            counter(REDELIVERED, tags(consumer).and(EVENT_TYPE, type).and(REDELIVERED_BY, "camel"))
                    .increment(settlement.redeliveries());
        }
        if (settlement.duplicate()) {
            consumerCounter(DEDUPLICATED, consumer, type).increment();
        }
        if (settlement.latency() != null) {
            latency(consumer, type, settlement.latency());
        }
    }

    /** A dead letter written for an event of the topic, whichever path wrote it. */
    @Override
    public void deadLettered(String topic, String eventType, String transport, String stage) {
        counter(DEAD_LETTERED, Tags.of(TOPIC, topic, EVENT_TYPE, type(eventType), TRANSPORT, transport,
                STAGE, stage == null ? "unknown" : stage)).increment();
    }

    /** An event no topic wanted: sent to a routing table's unroutable topic, or returned by the broker. */
    @Override
    public void unroutable(String topic, String eventType, String reason) {
        counter(UNROUTABLE, Tags.of(TOPIC, topic, EVENT_TYPE, type(eventType), REASON, reason)).increment();
    }

    /** {@code count} events of the topic the group never received: the broker deleted them before it read them. */
    @Override
    public void skipped(String topic, String group, String transport, long count) {
        counter(SKIPPED, Tags.of(TOPIC, topic, GROUP, group, TRANSPORT, transport)).increment(count);
    }

    /**
     * Settlement of a processed event minus its {@code published_at}: a histogram ({@value #LATENCY}, buckets from
     * 1 ms to 1 min) and its p50, p95 and p99 as {@value #LATENCY_PERCENTILE} gauges tagged {@code quantile}
     * (Prometheus cannot show a histogram and quantiles under one name).
     */
    private void latency(ConsumerTags consumer, String type, Duration latency) {
        latencyTimers.computeIfAbsent(new MeterKey(LATENCY, consumer, type),
                        k -> latencyTimer(tags(consumer).and(EVENT_TYPE, type)))
                .record(latency.isNegative() ? Duration.ZERO : latency);
    }

    private Timer latencyTimer(Tags tags) {
        Timer timer = Timer.builder(LATENCY)
                .description("End-to-end latency of consumed events: completion minus published_at")
                .tags(tags)
                .publishPercentiles(PERCENTILES)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        for (double percentile : PERCENTILES) {
            Gauge.builder(LATENCY_PERCENTILE, timer, t -> percentileSeconds(t, percentile))
                    .description("End-to-end latency of consumed events at a percentile, over the last minutes")
                    .baseUnit("seconds")
                    .tags(tags.and("quantile", String.valueOf(percentile)))
                    .register(registry);
        }
        return timer;
    }

    private static double percentileSeconds(Timer timer, double percentile) {
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            if (value.percentile() == percentile) {
                return value.value(TimeUnit.SECONDS);
            }
        }
        return Double.NaN;
    }

    /** How long a pipeline stage took on one exchange, and whether it failed. */
    public void stage(String route, String stage, boolean failed, long nanos) {
        Timer.builder(STAGE_DURATION)
                .description("Duration of a pipeline stage (Camel step)")
                .tags(ROUTE, route, STAGE, stage, OUTCOME, failed ? "failure" : "success")
                .publishPercentiles(PERCENTILES)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** How long a route took to process one consumed event, and how it ended. */
    public void processing(ConsumerTags consumer, String outcome, long nanos) {
        Timer.builder(PROCESSING)
                .description("Duration of a bus: consumer's route processing one event")
                .tags(tags(consumer).and(OUTCOME, outcome))
                .publishPercentiles(PERCENTILES)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /**
     * Registers a gauge, for transports and the runtime: its value is read at each scrape, so it must be cheap (a
     * cached figure, never a broker round trip). Registering the same name and tags again returns the first one.
     */
    public <T> void gauge(String name, String description, Tags tags, T state, ToDoubleFunction<T> value) {
        Gauge.builder(name, state, value).description(description).tags(tags).strongReference(true)
                .register(registry);
    }

    /**
     * The meters of a route's circuit breaker, tagged {@code route} and {@code breaker}: its state
     * ({@value #BREAKER_STATE}, one gauge per state), failure rate in percent (-1 while too few calls), the calls it
     * refused since it last changed state (resilience4j starts its figures anew then) and the events the bus holds
     * for it. They read the breaker of that route and id built last, so a
     * reloaded route's meters follow its new breaker.
     */
    public void breaker(CircuitBreakerHold breakers, HeldCircuitBreaker breaker) {
        String route = breaker.getRouteId();
        String id = breaker.getBreakerId();
        Tags tags = Tags.of(ROUTE, String.valueOf(route), BREAKER, String.valueOf(id));
        for (String state : List.of("CLOSED", "OPEN", "HALF_OPEN")) {
            gauge(BREAKER_STATE, "1 for the circuit breaker's state now, else 0",
                    tags.and(STATE, state.toLowerCase(Locale.ROOT)), breakers,
                    b -> b.find(route, id).filter(held -> held.getState().equals(state)).isPresent() ? 1 : 0);
        }
        gauge(BREAKER_FAILURE_RATE, "failure rate of the calls in the breaker's window, percent; -1 if too few",
                tags, breakers, b -> b.find(route, id).map(HeldCircuitBreaker::getFailureRate).orElse(-1f));
        gauge(BREAKER_HELD, "events waiting for the breaker to let their call through", tags, breakers,
                b -> b.find(route, id).map(HeldCircuitBreaker::getHeldEvents).orElse(0));
        gauge(BREAKER_NOT_PERMITTED, "calls the breaker refused since it last changed state, held events' tries "
                + "included", tags, breakers, b -> b.find(route, id).map(HeldCircuitBreaker::getNotPermittedCalls)
                .orElse(0L));
    }

    /** Registers a monotonically increasing count kept elsewhere (reloads), read at each scrape. */
    public void functionCounter(String name, String description, Supplier<Number> count) {
        FunctionCounter.builder(name, count, c -> c.get().doubleValue()).description(description)
                .register(registry);
    }

    /** The value of a counter, 0 when it was never incremented; for tests and the summary. */
    public double count(String name, Tags tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The sum over every counter of that name whose tags include {@code tags}. */
    public double sum(String name, Tags tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A consumer's topic, group, route and transport as Micrometer tags. */
    public static Tags tags(ConsumerTags consumer) {
        return Tags.of(TOPIC, consumer.topic(), GROUP, nonNull(consumer.group()), ROUTE, nonNull(consumer.route()),
                TRANSPORT, consumer.transport());
    }

    private static String nonNull(String value) {
        return value == null ? "none" : value;
    }

    private Counter consumerCounter(String name, ConsumerTags consumer, String type) {
        return counters.computeIfAbsent(new MeterKey(name, consumer, type),
                k -> counter(name, tags(consumer).and(EVENT_TYPE, type)));
    }

    private Counter counter(String name, Tags tags) {
        return registry.counter(name, tags);
    }

    /** The event type as a tag value: bounded, see the class comment. */
    String type(String eventType) {
        if (eventType == null || eventType.isBlank()) {
            return "unknown";
        }
        if (eventTypes.contains(eventType)) {
            return eventType;
        }
        synchronized (eventTypes) {
            // checked and added under one lock, so that concurrent new types cannot overshoot the bound
            if (eventTypes.contains(eventType) || eventTypes.size() < maxEventTypes) {
                eventTypes.add(eventType);
                return eventType;
            }
        }
        return OTHER;
    }
}
