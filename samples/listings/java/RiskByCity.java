import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import io.eventbus.envelope.Envelope;

/**
 * The listings sample's fraud checks tallied per city, in the Java DSL: reads the processed_listing events the
 * pipeline of listings.camel.yaml publishes on listings.processed and logs each high-risk listing with its city's
 * tally so far ("high-risk listing cian:300118 in Moscow (score 0.76): 3 of 85 checked there"). eventbus run compiles
 * this file as it loads it, and hot-reloads it when it changes, like the YAML routes.
 */
public class RiskByCity extends RouteBuilder {

    /** Per city: listings checked, and of them high risk. Kept by this instance: a reload starts afresh. */
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    record Tally(AtomicInteger checked, AtomicInteger highRisk) {
        Tally() {
            this(new AtomicInteger(), new AtomicInteger());
        }
    }

    @Override
    public void configure() {
        from("bus:listings.processed?group=risk-by-city")
                .routeId("risk-by-city")
                // the bus sets EventType from the envelope: a topic may carry other types than the one read here
                .filter(header("EventType").isEqualTo("processed_listing"))
                .process(this::tally)
                .filter(header("RiskLevel").isEqualTo("high"))
                .log("high-risk listing ${header.ListingId} in ${header.City} (score ${header.FraudScore}): "
                        + "${header.CityHighRisk} of ${header.CityChecked} checked there");
    }

    private void tally(Exchange exchange) {
        JsonNode data = exchange.getIn().getBody(Envelope.class).getData();
        String city = data.path("listing_data").path("address").path("city").asText("unknown");
        String risk = data.path("risk_level").asText();
        Tally tally = tallies.computeIfAbsent(city, c -> new Tally());
        int checked = tally.checked().incrementAndGet();
        int highRisk = "high".equals(risk) ? tally.highRisk().incrementAndGet() : tally.highRisk().get();
        exchange.getIn().setHeader("ListingId", data.path("listing_id").asText());
        exchange.getIn().setHeader("City", city);
        exchange.getIn().setHeader("RiskLevel", risk);
        exchange.getIn().setHeader("FraudScore", data.path("fraud_score").asDouble());
        exchange.getIn().setHeader("CityChecked", checked);
        exchange.getIn().setHeader("CityHighRisk", highRisk);
    }
}
