package io.eventbus.samples.listings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.bus.OutboundMessages;
import io.eventbus.deadletter.DeadLetterFilter;
import io.eventbus.deadletter.DeadLetters;
import io.eventbus.deadletter.ReplayResult;
import io.eventbus.envelope.Envelope;
import io.eventbus.envelope.EnvelopeCodec;
import io.eventbus.transport.RetryableException;

import static io.eventbus.samples.listings.RawListingBuilder.listing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code routes/listings.camel.yaml} as shipped, on the in-memory transport: a clean listing, a re-post and an exact
 * re-send of listings already seen, a fraudulent listing, an invalid listing, an event failing its schema, an event
 * of another type, a fraud-check failure that recovers on redelivery, and one that does not and succeeds when its
 * dead letter is replayed. Asserts exactly what reached every output topic, and that published = processed +
 * dead-lettered + deduplicated.
 */
class ListingsPipelineTest extends CamelTestSupport {

    private static final List<String> OUTPUTS = List.of("listings.normalized", "listings.processed", "fraud.detected",
            "processing.failed", "listings.raw.dlq");

    private final Map<String, List<Envelope>> received = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> fraudCheckAttempts = new ConcurrentHashMap<>();
    private final Set<String> failForever = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failTimes = new ConcurrentHashMap<>();
    private final PipelineOutcomes outcomes = new PipelineOutcomes("listings-pipeline");
    private final List<String> processed = outcomes.processed;
    private final List<String> deduplicated = outcomes.deduplicated;
    private final List<String> deadLettered = outcomes.deadLettered;

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        return props;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        Resource yaml = ResourceHelper.resolveMandatoryResource(context, "file:routes/listings.camel.yaml");
        List<RoutesBuilder> builders = new ArrayList<>(PluginHelper.getRoutesLoader(context).findRoutesBuilders(yaml));
        builders.add(new RouteBuilder() {
            @Override
            public void configure() {
                for (String topic : OUTPUTS) {
                    from("bus:" + topic + "?group=test").routeId("collect-" + topic)
                            .process(e -> received.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>())
                                    .add(e.getIn().getBody(Envelope.class)));
                }
            }
        });
        return builders.toArray(RoutesBuilder[]::new);
    }

    @Test
    void everyPathOfThePipelineIsAccountedFor() throws Exception {
        // a fraud-check failure: listing-flaky fails twice then passes; listing-broken fails until replayed
        AdviceWith.adviceWith(context, "listings-pipeline", route -> route.weaveByToUri("bus:listings.processed")
                .before().process(exchange -> {
                    String listingId = exchange.getIn().getHeader(ListingHeaders.LISTING_ID, String.class);
                    int attempt = fraudCheckAttempts.computeIfAbsent(listingId, id -> new AtomicInteger()).incrementAndGet();
                    if (failForever.contains(listingId) || attempt <= failTimes.getOrDefault(listingId, 0)) {
                        throw new RetryableException("scoring service unavailable (attempt " + attempt + ")");
                    }
                }));
        context.getManagementStrategy().addEventNotifier(outcomes);
        context.start();
        assertEquals(100_000, context.getRegistry().lookupByNameAndType("listingFingerprints",
                MemoryIdempotentRepository.class).getMaxCacheSize(), "eventbus.listings.dedupe-cache-size");
        failTimes.put("cian:flaky-1", 2);
        failForever.add("cian:broken-1");

        Envelope clean = publish(listing().originalId("clean-1").build());
        Envelope fraud = publish(listing().originalId("fraud-1").price("9 500 000 руб.").address("Остоженка 7")
                .images("https://img.stockflat.example/interior/kitchen-02.jpg?w=800").build());
        Envelope invalid = publish(listing().originalId("invalid-1").price("договорная").phone(null).email("owner@")
                .build());
        Envelope failingSchema = publishForeign(listing().originalId("no-url-1").build(), "source_url");
        Envelope otherType = publish(listing().originalId("other-1").build().setEventType("price_changed"));
        Envelope flaky = publish(listing().originalId("flaky-1").address("Зубовский бульвар, 4").build());
        Envelope broken = publish(listing().originalId("broken-1").address("Плющиха 20").build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(3, processed.size());
            assertEquals(4, count("listings.raw.dlq"));
        });

        // a re-post elsewhere, written differently, and an exact re-send: duplicates of listings already seen
        Envelope repost = publish(listing().source("avito").originalId("avito-777").price("39 млн ₽").currency(null)
                .area("65,0 м²").address("Пречистенка ул 10").phone("8 912 345 67 89").city("г. Москва")
                .district("хамовники").build());
        publish(fraud);
        // the broken listing's dead letter replayed once the scoring service is back: the dedupe stage dropped its
        // fingerprint when the dead-letter channel handled the failure, so the replay is no duplicate
        failForever.clear();
        failTimes.put("cian:broken-1", 0);
        ReplayResult replay = new DeadLetters(context.getComponent("bus", BusComponent.class)).replay("listings.raw",
                DeadLetterFilter.byIds(Set.of(broken.getEventId())), null, 0, false);
        assertEquals(1, replay.count(ReplayResult.Action.REPLAYED), replay.toString());
        Envelope replayed = broken;
        int published = 10;

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(published, processed.size() + count("listings.raw.dlq") + deduplicated.size());
            assertEquals(8, count("listings.normalized"));
            assertEquals(4, count("processing.failed"));
        });
        assertEquals(Set.of(repost.getEventId(), fraud.getEventId()), new HashSet<>(deduplicated),
                "the re-post and the re-send are deduplicated");
        assertEquals(2, deduplicated.size());
        assertEquals(Set.of(clean.getEventId(), fraud.getEventId(), flaky.getEventId(), replayed.getEventId()),
                new HashSet<>(processed));
        assertEquals(4, processed.size());
        assertEquals(Set.of(invalid.getEventId(), otherType.getEventId(), broken.getEventId()),
                new HashSet<>(deadLettered), "dead-lettered by the route; the schema failure never reached it");

        // listings.normalized: one normalized_listing per raw_listing read, valid or not, duplicate or not
        assertEquals(Set.of(clean.getEventId(), fraud.getEventId(), invalid.getEventId(), flaky.getEventId(),
                broken.getEventId(), repost.getEventId()), parents("listings.normalized"));
        Envelope invalidNormalized = byParent("listings.normalized", invalid.getEventId());
        assertFalse(invalidNormalized.getData().get("is_valid").asBoolean());
        assertEquals("[\"raw_data.json.price: cannot read \\\"договорная\\\" as an amount\","
                + "\"raw_data.json.contact: neither a phone number nor an e-mail address to reach the seller\"]",
                invalidNormalized.getData().get("validation_errors").toString());
        assertEquals(invalid.getTraceId(), invalidNormalized.getTraceId(), "trace_id is propagated");

        // listings.processed: every listing that went through the fraud check, once
        assertEquals(List.of("cian:broken-1", "cian:clean-1", "cian:flaky-1", "cian:fraud-1"),
                listingIds("listings.processed"));
        Envelope cleanProcessed = byListing("listings.processed", "cian:clean-1");
        assertEquals(0.0, cleanProcessed.getData().get("fraud_score").asDouble());
        assertEquals("low", cleanProcessed.getData().get("risk_level").asText());
        assertEquals("[\"normalize\",\"dedupe\",\"fraud-check\"]",
                cleanProcessed.getData().get("processing_stages").toString());
        assertEquals(clean.getTraceId(), cleanProcessed.getTraceId());
        Envelope fraudProcessed = byListing("listings.processed", "cian:fraud-1");
        assertEquals("[\"price_too_low\",\"duplicate_images\"]", fraudProcessed.getData().get("fraud_signals").toString());
        assertEquals(0.76, fraudProcessed.getData().get("fraud_score").asDouble());
        assertEquals(3, fraudCheckAttempts.get("cian:flaky-1").get(), "two transient failures, then success");

        // fraud.detected: only the fraudulent listing, derived from its processed event
        assertEquals(List.of("cian:fraud-1"), received.get("fraud.detected").stream()
                .map(e -> e.getData().get("listing_id").asText()).toList());
        Envelope alert = received.get("fraud.detected").get(0);
        assertEquals("high", alert.getData().get("risk_level").asText());
        assertEquals(fraudProcessed.getEventId(), alert.getParentEventId());
        assertEquals(fraud.getTraceId(), alert.getTraceId());

        // the dead letters: each with its stage and reason
        Map<String, Envelope> dlq = received.get("listings.raw.dlq").stream()
                .collect(Collectors.toMap(Envelope::getEventId, e -> e, (a, b) -> a));
        assertEquals(Set.of(invalid.getEventId(), failingSchema.getEventId(), otherType.getEventId(),
                broken.getEventId()), dlq.keySet());
        assertEquals(4, count("listings.raw.dlq"));
        assertEquals("normalize", dlq.get(invalid.getEventId()).getMetadata().get("failed_stage"));
        assertEquals("FatalException", dlq.get(invalid.getEventId()).getMetadata().get("error_type"));
        assertEquals("listing cian:invalid-1 is invalid: raw_data.json.price: cannot read \"договорная\" as an amount; "
                + "raw_data.json.contact: neither a phone number nor an e-mail address to reach the seller",
                dlq.get(invalid.getEventId()).getMetadata().get("last_error"));
        assertEquals("validation", dlq.get(failingSchema.getEventId()).getMetadata().get("failed_stage"));
        assertEquals("data: required property 'source_url' not found (schema raw_listing/1)",
                dlq.get(failingSchema.getEventId()).getMetadata().get("last_error"));
        assertEquals("normalize", dlq.get(otherType.getEventId()).getMetadata().get("failed_stage"));
        assertEquals("event_type: the listings pipeline reads raw_listing events, not \"price_changed\"",
                dlq.get(otherType.getEventId()).getMetadata().get("last_error"));
        Envelope brokenDeadLetter = dlq.get(broken.getEventId());
        assertEquals("fraud-check", brokenDeadLetter.getMetadata().get("failed_stage"));
        assertEquals("RetryableException", brokenDeadLetter.getMetadata().get("error_type"));
        assertEquals(3, brokenDeadLetter.getRetryCount(), "redelivered 3 times before dead-lettering");
        assertEquals("raw_listing", brokenDeadLetter.getEventType(), "the dead letter is the event as consumed");

        // processing.failed: one per dead letter, naming the original event
        assertEquals(dlq.keySet(), received.get("processing.failed").stream()
                .map(e -> e.getData().get("original_event").get("event_id").asText()).collect(Collectors.toSet()));
        assertTrue(received.get("processing.failed").stream()
                .allMatch(e -> e.getData().get("dead_lettered_to").asText().equals("listings.raw.dlq")));
    }

    private int count(String topic) {
        return received.getOrDefault(topic, List.of()).size();
    }

    private Set<String> parents(String topic) {
        return received.getOrDefault(topic, List.of()).stream().map(Envelope::getParentEventId)
                .collect(Collectors.toSet());
    }

    private Envelope byParent(String topic, String parent) {
        return received.get(topic).stream().filter(e -> parent.equals(e.getParentEventId())).findFirst().orElseThrow();
    }

    private Envelope byListing(String topic, String listingId) {
        return received.get(topic).stream().filter(e -> listingId.equals(e.getData().get("listing_id").asText()))
                .findFirst().orElseThrow();
    }

    private List<String> listingIds(String topic) {
        return received.getOrDefault(topic, List.of()).stream().map(e -> e.getData().get("listing_id").asText())
                .sorted().toList();
    }

    private Envelope publish(Envelope event) {
        template.sendBody("bus:listings.raw", event.copy());
        return event;
    }

    /** Writes straight to the topic without the field, as a foreign producer would: the bus producer refuses it. */
    private Envelope publishForeign(Envelope event, String removeField) throws Exception {
        ((ObjectNode) event.getData()).remove(removeField);
        context.getComponent("bus", BusComponent.class).transportFor("listings.raw").bindProducer("listings.raw")
                .publish(OutboundMessages.of(event, new EnvelopeCodec().encode(event)));
        return event;
    }
}
