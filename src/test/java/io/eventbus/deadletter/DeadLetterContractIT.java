package io.eventbus.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.errorhandling.EventBusErrorHandler;
import io.eventbus.transport.FatalException;

import static io.eventbus.bus.TransportContractIT.assertExactIds;
import static io.eventbus.bus.TransportContractIT.awaitIds;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dead letters as a product, on a real broker: each transport's test extends this class and names its transport.
 * One route fails 100 events of three types with two error types into {@code <topic>.dlq}; the test then lists,
 * pages, counts and filters them exactly, checks that browsing neither consumes nor reorders, replays one type
 * after fixing its cause, replays another that fails again (it returns with its history, then is parked after
 * {@code max_replays}), parks from the tool, and purges by filter. Every step counts: published = processed +
 * dead-lettered + parked + purged, by exact event ids.
 */
public abstract class DeadLetterContractIT {

    protected static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_REPLAYS = 2;

    private static final String ORDER = "order_created";
    private static final String PAYMENT = "payment_captured";
    private static final String SHIPMENT = "shipment_sent";

    protected CamelContext context;
    private ProducerTemplate template;
    private DeadLetters deadLetters;
    private String topic;
    private final Set<String> fixedTypes = ConcurrentHashMap.newKeySet();
    private final Map<String, Envelope> processed = new ConcurrentHashMap<>();
    private final AtomicInteger processedTimes = new AtomicInteger();

    /** The {@code eventbus.*} properties selecting and configuring the transport under test. */
    protected abstract Map<String, String> transportProperties();

    /**
     * Proves the dead letters were not consumed by browsing: by default a new consumer group of the dead-letter
     * topic, started from the earliest event, receives every one of them.
     */
    protected void assertStillDeliverable(String deadLetterTopic, Set<String> eventIds) throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:" + deadLetterTopic + "?group=auditor").routeId("auditor")
                        .process(e -> received.add(e.getIn().getBody(Envelope.class).getEventId()));
            }
        });
        awaitIds(eventIds, received, "a new group of " + deadLetterTopic);
        context.getRouteController().stopRoute("auditor");
        context.removeRoute("auditor");
    }

    @BeforeEach
    void start() throws Exception {
        topic = "dlq-contract-" + UUID.randomUUID().toString().substring(0, 8) + ".orders";
        context = new DefaultCamelContext();
        Properties props = new Properties();
        props.putAll(transportProperties());
        props.put("eventbus.deadletter.max-replays", String.valueOf(MAX_REPLAYS));
        props.put("eventbus.deadletter.failed-topic", "none");
        context.getPropertiesComponent().setInitialProperties(props);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(EventBusErrorHandler.deadLetterChannel().maximumRedeliveries(0));
                from("bus:" + topic + "?group=workers").routeId("workers").process(exchange -> {
                    Envelope event = exchange.getIn().getBody(Envelope.class);
                    int n = event.getData().path("n").asInt();
                    if (!fixedTypes.contains(event.getEventType())) {
                        throw switch (event.getEventType()) {
                            case ORDER -> new FatalException("order service rejected order " + n);
                            case PAYMENT -> new IllegalStateException("payment ledger unavailable for payment " + n);
                            default -> new IllegalStateException("carrier unknown for shipment " + n);
                        };
                    }
                    processedTimes.incrementAndGet();
                    processed.put(event.getEventId(), event);
                });
            }
        });
        context.start();
        template = context.createProducerTemplate();
        deadLetters = new DeadLetters(context.getComponent("bus", BusComponent.class));
    }

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void deadLettersAreListedCountedReplayedParkedAndPurgedExactly() throws Exception {
        // 100 events: 40 orders (FatalException), 35 payments and 25 shipments (IllegalStateException), shuffled
        List<Envelope> published = publishShuffled(Map.of(ORDER, 40, PAYMENT, 35, SHIPMENT, 25));
        Set<String> all = ids(published);
        Set<String> orders = idsOfType(published, ORDER);
        Set<String> payments = idsOfType(published, PAYMENT);
        Set<String> shipments = idsOfType(published, SHIPMENT);
        await().atMost(WAIT).until(() -> stats(DeadLetterFilter.ALL).total() == 100);
        assertTrue(processed.isEmpty(), "nothing is processed before its cause is fixed");

        // counted by event type and by error type
        DeadLetterStats stats = stats(DeadLetterFilter.ALL);
        assertEquals(Map.of(ORDER, 40, PAYMENT, 35, SHIPMENT, 25), stats.byEventType());
        assertEquals(Map.of("FatalException", 40, "IllegalStateException", 60), stats.byErrorType());
        assertFalse(stats.truncated());

        // paged newest first: 30 + 30 + 30 + 10, every event exactly once
        List<DeadLetter> pages = new ArrayList<>();
        for (int page = 1; page <= 4; page++) {
            DeadLetterPage listed = deadLetters.list(topic, DeadLetterFilter.ALL, page, 30);
            assertEquals(100, listed.total());
            assertEquals(4, listed.pages());
            assertEquals(page < 4 ? 30 : 10, listed.letters().size(), "page " + page);
            pages.addAll(listed.letters());
        }
        assertTrue(deadLetters.list(topic, DeadLetterFilter.ALL, 5, 30).letters().isEmpty());
        assertExactIds(all, eventIdsOf(pages), "the pages");
        // newest first; Kafka orders partitions by record time, in milliseconds, so a tie may swap neighbours
        for (int i = 1; i < pages.size(); i++) {
            assertFalse(pages.get(i).failedAt().isAfter(pages.get(i - 1).failedAt().plusMillis(5)),
                    "newest first: " + pages.get(i - 1) + " before " + pages.get(i));
        }
        // browsing again gives the same entries in the same order: nothing consumed, nothing reordered
        List<DeadLetter> again = deadLetters.list(topic, DeadLetterFilter.ALL, 1, 1000).letters();
        assertEquals(positions(pages), positions(again));
        assertEquals(eventIdsListOf(pages), eventIdsListOf(again));

        // paged by the server from a cursor: the same letters in the same order, each page read alone
        List<DeadLetter> scrolled = new ArrayList<>();
        String cursor = null;
        int cursorPages = 0;
        do {
            DeadLetterCursorPage page = deadLetters.page(topic, DeadLetterFilter.ALL, cursor, 30);
            assertEquals(100L, page.total(), "total of " + page);
            assertTrue(page.scanned() <= 30, "read no more than the page: " + page.scanned());
            scrolled.addAll(page.letters());
            cursor = page.next();
            cursorPages++;
        } while (cursor != null && cursorPages < 10);
        assertEquals(positions(pages), positions(scrolled), "cursor pages match the numbered pages");
        Set<String> scrolledPayments = new LinkedHashSet<>();
        cursor = null;
        cursorPages = 0;
        do {
            DeadLetterCursorPage page = deadLetters.page(topic, filter(null, PAYMENT, null, null, null, null), cursor,
                    7);
            assertTrue(page.letters().size() <= 7);
            page.letters().forEach(l -> assertTrue(scrolledPayments.add(l.eventId()), "twice: " + l.eventId()));
            cursor = page.next();
            cursorPages++;
        } while (cursor != null && cursorPages < 20);
        assertExactIds(payments, scrolledPayments, "cursor pages filtered by event_type");

        // filtered exactly
        assertExactIds(payments, listIds(filter(null, PAYMENT, null, null, null, null)), "event_type");
        assertExactIds(orders, listIds(filter(null, null, "FatalException", null, null, null)), "error_type");
        assertExactIds(shipments, listIds(filter(null, null, null, null, null, "CARRIER UNKNOWN")), "text");
        assertExactIds(union(payments, shipments), listIds(filter(null, null, "IllegalStateException", null,
                Instant.now().plusSeconds(60), null)), "error_type and until");
        assertTrue(listIds(filter(null, null, null, Instant.now().plusSeconds(60), null, null)).isEmpty(), "since");
        Set<String> three = new LinkedHashSet<>(List.copyOf(orders).subList(0, 3));
        assertExactIds(three, listIds(DeadLetterFilter.byIds(three)), "ids");
        Instant middle = pages.get(50).failedAt();
        int before = listIds(filter(null, null, null, null, middle, null)).size();
        int after = listIds(filter(null, null, null, middle, null, null)).size();
        assertEquals(100, before + after, "since and until split the dead letters at " + middle);

        // one dead letter shown in full
        Envelope sample = published.stream().filter(e -> e.getEventType().equals(ORDER)).findFirst().orElseThrow();
        List<DeadLetter> shown = deadLetters.show(topic, sample.getEventId());
        assertEquals(1, shown.size());
        DeadLetter letter = shown.get(0);
        assertEquals("FatalException", letter.errorType());
        assertEquals("order service rejected order " + sample.getData().path("n").asInt(), letter.lastError());
        assertEquals(topic, letter.deadLetteredFrom());
        assertEquals("workers", letter.failedStage());
        assertEquals(sample.getTraceId(), letter.envelope().getTraceId());
        assertEquals(sample.getData(), letter.envelope().getData());
        assertTrue(letter.failureHistory().isEmpty());
        NoSuchElementException unknown = assertThrows(NoSuchElementException.class,
                () -> deadLetters.show(topic, "no-such-event"));
        assertEquals("no dead letter with event_id no-such-event in " + topic + ".dlq", unknown.getMessage());

        assertStillDeliverable(topic + ".dlq", all);
        assertEquals(100, stats(DeadLetterFilter.ALL).total(), "consuming the DLQ in a group removes nothing");

        // a dry run reports and changes nothing
        ReplayResult dry = deadLetters.replay(topic, filter(null, ORDER, null, null, null, null), null, 0, true);
        assertTrue(dry.dryRun());
        assertEquals(40, dry.count(ReplayResult.Action.REPLAYED));
        assertTrue(dry.outcomes().stream().allMatch(o -> topic.equals(o.target()) && o.replayCount() == 1));
        assertEquals(100, stats(DeadLetterFilter.ALL).total());

        // orders replayed after their cause is fixed: processed as the same events, the DLQ keeps exactly the rest
        fixedTypes.add(ORDER);
        ReplayResult replayed = deadLetters.replay(topic, filter(null, ORDER, null, null, null, null), null, 0, false);
        assertEquals(40, replayed.count(ReplayResult.Action.REPLAYED), replayed.toString());
        awaitIds(orders, processed.keySet(), "processed orders");
        assertExactIds(union(payments, shipments), listIds(DeadLetterFilter.ALL), "the DLQ after the replay");
        for (Envelope original : published) {
            Envelope got = processed.get(original.getEventId());
            if (got == null) {
                continue;
            }
            assertEquals(original.getTraceId(), got.getTraceId());
            assertEquals(original.getParentEventId(), got.getParentEventId());
            assertEquals(original.getKey(), got.getKey());
            assertEquals(original.getData(), got.getData());
            assertEquals(original.getTags(), got.getTags());
            assertEquals(1, got.getRetryCount(), "retry_count + 1");
            assertEquals(1, got.getMetadata().get("replay_count"));
            assertNotNull(got.getMetadata().get("replayed_at"));
            assertNull(got.getMetadata().get("last_error"), "the failure moved into the history");
            List<?> history = (List<?>) got.getMetadata().get("failure_history");
            assertEquals(1, history.size());
            assertEquals("FatalException", ((Map<?, ?>) history.get(0)).get("error_type"));
        }

        // payments replayed without a fix fail again: back in the DLQ once, with their history
        ReplayResult failing = deadLetters.replay(topic, filter(null, PAYMENT, null, null, null, null), null, 1000,
                false);
        assertEquals(35, failing.count(ReplayResult.Action.REPLAYED));
        await().atMost(WAIT).untilAsserted(() -> assertEquals(35, deadLetters.list(topic,
                filter(null, PAYMENT, null, null, null, null), 1, 100).letters().stream()
                .filter(d -> d.replayCount() == 1).count()));
        for (DeadLetter back : deadLetters.list(topic, filter(null, PAYMENT, null, null, null, null), 1, 100)
                .letters()) {
            assertEquals(1, back.failureHistory().size(), "history of " + back.eventId());
            assertEquals("IllegalStateException", back.failureHistory().get(0).get("error_type"));
            assertTrue(back.lastError().startsWith("payment ledger unavailable"));
            assertEquals(1, back.envelope().getRetryCount());
        }
        assertEquals(60, stats(DeadLetterFilter.ALL).total());

        // replayed a second time, they fail after their last allowed replay: parked, not dead-lettered again
        deadLetters.replay(topic, filter(null, PAYMENT, null, null, null, null), null, 0, false);
        String parkedTopic = topic + ".parked";
        await().atMost(WAIT).until(() -> parkedCount(parkedTopic) == 35);
        assertExactIds(shipments, listIds(DeadLetterFilter.ALL), "the DLQ once payments are parked");
        for (DeadLetter parked : deadLetters.list(parkedTopic, DeadLetterFilter.ALL, 1, 100).letters()) {
            assertEquals(2, parked.replayCount());
            assertEquals(2, parked.failureHistory().size(), "both earlier failures of " + parked.eventId());
            assertNotNull(parked.envelope().getMetadata().get("parked_at"));
        }
        assertExactIds(payments, eventIdsOf(deadLetters.list(parkedTopic, DeadLetterFilter.ALL, 1, 100).letters()),
                "parked");

        // shipments: replayed once (back with replay_count 1); a tool allowing one replay parks 10 of them itself
        deadLetters.replay(topic, filter(null, SHIPMENT, null, null, null, null), null, 0, false);
        await().atMost(WAIT).until(() -> deadLetters.list(topic, DeadLetterFilter.ALL, 1, 100).letters().stream()
                .filter(d -> d.replayCount() == 1).count() == 25);
        DeadLetters strict = new DeadLetters(context.getComponent("bus", BusComponent.class)::transportFor,
                context.getComponent("bus", BusComponent.class).getValidator().codec(), 1, 1000, Clock.systemUTC());
        Set<String> toPark = new LinkedHashSet<>(List.copyOf(shipments).subList(0, 10));
        ReplayResult parkedByTool = strict.replay(topic, DeadLetterFilter.byIds(toPark), null, 0, false);
        assertEquals(10, parkedByTool.count(ReplayResult.Action.PARKED), parkedByTool.toString());
        assertTrue(parkedByTool.outcomes().stream().allMatch(o -> parkedTopic.equals(o.target())));
        assertEquals(45, parkedCount(parkedTopic));
        Set<String> rest = new TreeSet<>(shipments);
        rest.removeAll(toPark);
        assertExactIds(rest, listIds(DeadLetterFilter.ALL), "the DLQ after parking 10 shipments");

        // purge by filter: a dry run first, then for real
        PurgeResult dryPurge = deadLetters.purge(topic, filter(null, SHIPMENT, null, null, null, null), true);
        assertEquals(15, dryPurge.purged());
        assertEquals(15, stats(DeadLetterFilter.ALL).total());
        assertEquals(0, deadLetters.purge(topic, filter(null, ORDER, null, null, null, null), false).purged());
        PurgeResult purged = deadLetters.purge(topic, filter(null, SHIPMENT, null, null, null, null), false);
        assertExactIds(rest, new HashSet<>(purged.eventIds()), "purged");
        assertEquals(0, stats(DeadLetterFilter.ALL).total());
        DeadLetterCursorPage emptied = deadLetters.page(topic, DeadLetterFilter.ALL, null, 30);
        assertTrue(emptied.letters().isEmpty() && emptied.next() == null, "cursor pages hide what was removed");
        assertEquals(0L, emptied.total());

        // every event accounted for, each processed once
        Set<String> accounted = union(union(processed.keySet(), eventIdsOf(deadLetters.list(parkedTopic,
                DeadLetterFilter.ALL, 1, 1000).letters())), new HashSet<>(purged.eventIds()));
        assertExactIds(all, accounted, "processed + parked + purged");
        assertEquals(40 + 45 + 15, published.size());
        assertEquals(40, processedTimes.get(), "each replayed order processed once");
    }

    private int parkedCount(String parkedTopic) throws Exception {
        try {
            return deadLetters.stats(parkedTopic, DeadLetterFilter.ALL).total();
        } catch (IllegalArgumentException notYet) {
            return 0;
        }
    }

    private DeadLetterStats stats(DeadLetterFilter filter) throws Exception {
        try {
            return deadLetters.stats(topic, filter);
        } catch (IllegalArgumentException notYet) {
            return new DeadLetterStats(topic + ".dlq", "", 0, Map.of(), Map.of(), false);
        }
    }

    private Set<String> listIds(DeadLetterFilter filter) throws Exception {
        return eventIdsOf(deadLetters.list(topic, filter, 1, 1000).letters());
    }

    private static DeadLetterFilter filter(Set<String> ids, String eventType, String errorType, Instant since,
            Instant until, String text) {
        return new DeadLetterFilter(ids, eventType, errorType, since, until, text);
    }

    private List<Envelope> publishShuffled(Map<String, Integer> perType) {
        List<String> types = new ArrayList<>();
        new TreeMap<>(perType).forEach((type, count) -> types.addAll(Collections.nCopies(count, type)));
        Collections.shuffle(types, new Random(42));
        List<Envelope> published = new ArrayList<>();
        for (int n = 0; n < types.size(); n++) {
            Envelope event = Envelope.create(types.get(n), "dead-letter-suite", MAPPER.createObjectNode()
                    .put("n", n).put("text", "payload " + n));
            event.setTraceId("trace-" + n);
            event.setParentEventId("parent-" + n);
            event.setKey("key-" + (n % 7));
            event.getTags().put("suite", "dead-letters");
            template.sendBody("bus:" + topic, event);
            published.add(event);
        }
        return published;
    }

    private static Set<String> ids(Collection<Envelope> events) {
        Set<String> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.getEventId()));
        return ids;
    }

    private static Set<String> idsOfType(Collection<Envelope> events, String type) {
        return ids(events.stream().filter(e -> e.getEventType().equals(type)).toList());
    }

    private static Set<String> eventIdsOf(Collection<DeadLetter> letters) {
        Set<String> ids = new HashSet<>();
        letters.forEach(l -> ids.add(l.eventId()));
        assertEquals(letters.size(), ids.size(), "no event listed twice");
        return ids;
    }

    private static List<String> eventIdsListOf(List<DeadLetter> letters) {
        return letters.stream().map(DeadLetter::eventId).toList();
    }

    private static List<String> positions(List<DeadLetter> letters) {
        return letters.stream().map(DeadLetter::position).toList();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
