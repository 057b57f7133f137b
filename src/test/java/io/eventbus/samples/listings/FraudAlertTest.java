package io.eventbus.samples.listings;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static io.eventbus.samples.listings.RawListingBuilder.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fraud_detected alert made from a processed listing. */
class FraudAlertTest {

    @Test
    void theAlertNamesTheListingItsScoreAndWhatToDo() throws Exception {
        MarketReference market = MarketReference.shipped();
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(new ListingNormalizer(market).normalize(listing().originalId("55").price(9_500_000)
                .email("keys@yopmail.com").build()));
        new FraudCheck(market, 0.6).process(exchange);
        Envelope processed = exchange.getIn().getBody(Envelope.class);

        new FraudAlert().process(exchange);

        Envelope alert = exchange.getIn().getBody(Envelope.class);
        assertEquals("fraud_detected", alert.getEventType());
        assertEquals(processed.getEventId(), alert.getParentEventId());
        assertEquals(processed.getTraceId(), alert.getTraceId());
        assertEquals("cian:55", alert.getKey());
        assertEquals("{\"listing_id\":\"cian:55\",\"source_url\":\"https://cian.example/offer/55\",\"fraud_score\":0.76,"
                + "\"risk_level\":\"high\",\"fraud_signals\":[\"price_too_low\",\"suspicious_contact\"],"
                + "\"detected_by\":[\"listings-fraud-rules-v1\"],\"confidence\":1.0,\"action\":\"flag_for_review\"}",
                alert.getData().toString());
    }
}
