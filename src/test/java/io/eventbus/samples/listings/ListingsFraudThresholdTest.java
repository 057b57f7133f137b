package io.eventbus.samples.listings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static io.eventbus.samples.listings.RawListingBuilder.listing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code eventbus.listings.fraud-threshold} set in configuration reaches the route's fraud-check stage. */
class ListingsFraudThresholdTest extends CamelTestSupport {

    private final List<Envelope> processed = new CopyOnWriteArrayList<>();
    private final List<Envelope> alerts = new CopyOnWriteArrayList<>();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties props = new Properties();
        props.put("eventbus.transport", "memory");
        props.put("eventbus.listings.fraud-threshold", "0.4");
        return props;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        Resource yaml = ResourceHelper.resolveMandatoryResource(context, "file:routes/listings.camel.yaml");
        List<RoutesBuilder> builders = new ArrayList<>(PluginHelper.getRoutesLoader(context).findRoutesBuilders(yaml));
        builders.add(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:listings.processed?group=test").routeId("collect-processed")
                        .process(e -> processed.add(e.getIn().getBody(Envelope.class)));
                from("bus:fraud.detected?group=test").routeId("collect-alerts")
                        .process(e -> alerts.add(e.getIn().getBody(Envelope.class)));
            }
        });
        return builders.toArray(RoutesBuilder[]::new);
    }

    @Test
    void aLowerThresholdAlertsOnAMediumRisk() {
        template.sendBody("bus:listings.raw", listing().originalId("photos-1")
                .images("https://img.stockflat.example/interior/bedroom-03.jpg").build());
        template.sendBody("bus:listings.raw", listing().originalId("clean-1").price(38_000_000).build());

        await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> alerts.size() == 1);
        assertEquals("cian:photos-1", alerts.get(0).getData().get("listing_id").asText());
        assertEquals("medium", alerts.get(0).getData().get("risk_level").asText());
    }
}
