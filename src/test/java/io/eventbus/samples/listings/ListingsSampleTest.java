package io.eventbus.samples.listings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import io.eventbus.bus.BusComponent;
import io.eventbus.envelope.Envelope;
import io.eventbus.transport.OutboundMessage;
import io.eventbus.transport.TransportProducer;

import static io.eventbus.samples.listings.RawListingSampleGenerator.EXPECTED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code samples/listings/raw.jsonl} is what {@link RawListingSampleGenerator} writes, and fed through
 * {@code routes/listings.camel.yaml} it gives exactly the figures {@code samples/listings/README.md} states,
 * whatever the order the pipeline's four consumers finish in.
 */
class ListingsSampleTest extends CamelTestSupport {

    private static final List<String> OUTPUTS = List.of("listings.normalized", "listings.processed", "fraud.detected",
            "processing.failed", "listings.raw.dlq");

    private final Map<String, List<Envelope>> received = new ConcurrentHashMap<>();
    private final PipelineOutcomes outcomes = new PipelineOutcomes("listings-pipeline");

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        return props;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        context.getManagementStrategy().addEventNotifier(outcomes);
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
    void theCommittedSampleIsTheGeneratorsOutput() throws Exception {
        List<String> committed = Files.readAllLines(RawListingSampleGenerator.SAMPLE, StandardCharsets.UTF_8);
        List<String> generated = new RawListingSampleGenerator().lines();
        assertEquals(generated.size(), committed.size(), "lines; regenerate with RawListingSampleGenerator.main");
        for (int i = 0; i < generated.size(); i++) {
            assertEquals(generated.get(i), committed.get(i), "line " + (i + 1));
        }
        assertEquals(EXPECTED.published(), committed.size());
    }

    @Test
    void theSampleGivesTheFiguresItsReadmeStates() throws Exception {
        List<String> lines = Files.readAllLines(RawListingSampleGenerator.SAMPLE, StandardCharsets.UTF_8);
        // as any producer would write them, so that the bus's consumer validates every line, broken ones included
        TransportProducer producer = context.getComponent("bus", BusComponent.class).transportFor("listings.raw")
                .bindProducer("listings.raw");
        for (String line : lines) {
            producer.publish(new OutboundMessage(null, line.getBytes(StandardCharsets.UTF_8), Map.of()));
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(lines.size(),
                outcomes.processed.size() + outcomes.deduplicated.size() + count("listings.raw.dlq")));
        assertEquals(EXPECTED.processed(), outcomes.processed.size(), "processed");
        assertEquals(EXPECTED.deduplicated(), outcomes.deduplicated.size(), "deduplicated");
        assertEquals(EXPECTED.deadLettered(), count("listings.raw.dlq"), "dead_lettered");
        assertEquals(EXPECTED.deadLettered() - EXPECTED.rejectedByBus(), outcomes.deadLettered.size(),
                "dead-lettered by the route");
        assertEquals(EXPECTED.deadLettered(), new HashSet<>(received.get("listings.raw.dlq").stream()
                .map(Envelope::getEventId).toList()).size(), "every dead letter has its own event_id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(EXPECTED.normalized(), count("listings.normalized"), "listings.normalized");
            assertEquals(EXPECTED.processed(), count("listings.processed"), "listings.processed");
            assertEquals(EXPECTED.fraudDetected(), count("fraud.detected"), "fraud.detected");
            assertEquals(EXPECTED.deadLettered(), count("processing.failed"), "processing.failed");
        });
    }

    private int count(String topic) {
        return received.getOrDefault(topic, List.of()).size();
    }
}
