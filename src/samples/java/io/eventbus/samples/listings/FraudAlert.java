package io.eventbus.samples.listings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.eventbus.envelope.Envelope;

/**
 * Turns a {@code processed_listing} event whose score reached the fraud threshold into the {@code fraud_detected}
 * alert of the listings pipeline (published on {@code fraud.detected}): the listing, score, risk level, signals, the detector,
 * its confidence and the action asked for, {@code flag_for_review}. The alert is derived from the processed event,
 * so its {@code parent_event_id} leads back through the pipeline's events to the raw listing. Stateless.
 */
public final class FraudAlert implements Processor {

    public static final String FRAUD_DETECTED = "fraud_detected";
    /** The detector named in {@code detected_by}: these rules, versioned with their weights. */
    public static final String DETECTOR = "listings-fraud-rules-v1";
    public static final String ACTION = "flag_for_review";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void process(Exchange exchange) {
        exchange.getIn().setBody(alertFor(exchange.getIn().getBody(Envelope.class)));
    }

    /** The alert of a processed listing. */
    public Envelope alertFor(Envelope processed) {
        JsonNode data = processed.getData();
        ObjectNode alert = MAPPER.createObjectNode();
        alert.put("listing_id", data.path("listing_id").asText());
        alert.put("source_url", data.path("listing_data").path("source_url").asText(null));
        alert.put("fraud_score", data.path("fraud_score").asDouble());
        alert.put("risk_level", data.path("risk_level").asText());
        alert.set("fraud_signals", data.path("fraud_signals").deepCopy());
        alert.putArray("detected_by").add(DETECTOR);
        alert.put("confidence", data.path("confidence").asDouble());
        alert.put("action", ACTION);
        Envelope event = processed.derive(FRAUD_DETECTED, alert);
        event.setSource(ListingNormalizer.PIPELINE_SOURCE);
        event.setKey(processed.getKey());
        return event;
    }
}
