package io.eventbus.samples.listings;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.eventbus.envelope.Envelope;

import static io.eventbus.samples.listings.RawListingBuilder.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each fraud signal, how signals combine into the score and risk level, and the alert threshold. */
class FraudCheckTest {

    private final MarketReference market = MarketReference.shipped();
    private final ListingNormalizer normalizer = new ListingNormalizer(market);
    private final FraudCheck check = new FraudCheck(market, 0.6);

    @Test
    void aListingAtTheMarketPriceWithOwnPhotosAndAnOrdinaryContactIsClean() {
        FraudCheck.Assessment a = assess(listing());
        assertEquals(0.0, a.score());
        assertEquals(List.of(), a.signalNames());
        assertEquals(RiskLevel.LOW, a.riskLevel());
        assertEquals(1.0, a.confidence());
    }

    @Test
    void priceTooLowIsJudgedAgainstTheDistrictMedian() {
        // 65 m² in Khamovniki (median 600,000 RUB/m²): 19.5M is exactly half, not below it
        assertEquals(List.of(), assess(listing().price(19_500_000)).signalNames());
        FraudCheck.Assessment cheap = assess(listing().price(19_000_000));
        assertEquals(List.of("price_too_low"), cheap.signalNames());
        assertEquals(0.6, cheap.score());
        assertEquals(RiskLevel.HIGH, cheap.riskLevel());
        assertEquals("price per m² 292,308 RUB is 49% of the sale median 600,000 RUB of Moscow/Khamovniki (below 50%)",
                cheap.signals().get(FraudSignal.PRICE_TOO_LOW));
        // the same price is normal in Butovo (median 220,000 RUB/m²)
        assertEquals(List.of(), assess(listing().price(19_000_000).district("Бутово")).signalNames());
    }

    @Test
    void withoutADistrictTheCityMedianApplies() {
        FraudCheck.Assessment a = assess(listing().district(null).price(9_000_000));
        assertEquals("price per m² 138,462 RUB is 45% of the sale median 310,000 RUB of Moscow (below 50%)",
                a.signals().get(FraudSignal.PRICE_TOO_LOW));
        assertEquals(List.of(), assess(listing().district(null).price(13_000_000)).signalNames());
    }

    @Test
    void rentsAreComparedWithRents() {
        // Khamovniki rent median 2,500 RUB/m² a month; 65 m² at 60,000 is 923 RUB/m²
        FraudCheck.Assessment a = assess(listing().dealType("rent").price("60 000 ₽/мес."));
        assertEquals(List.of("price_too_low"), a.signalNames());
        assertEquals(List.of(), assess(listing().dealType("rent").price("160 000 ₽/мес.")).signalNames());
    }

    @Test
    void aPriceFarAboveTheMedianIsAnAnomalyScoredLow() {
        FraudCheck.Assessment a = assess(listing().price(390_000_000));
        assertEquals(List.of("price_anomaly"), a.signalNames());
        assertEquals(0.2, a.score());
        assertEquals(RiskLevel.LOW, a.riskLevel());
    }

    @Test
    void reusedPhotosAreDuplicateImages() {
        FraudCheck.Assessment a = assess(listing().images("https://img.cian.example/own.jpg",
                "http://img.stockflat.example/interior/kitchen-02.jpg?w=1200"));
        assertEquals(List.of("duplicate_images"), a.signalNames());
        assertEquals(0.4, a.score());
        assertEquals(RiskLevel.MEDIUM, a.riskLevel());
        assertEquals("1 of 2 photos already seen on other sellers' listings: "
                + "https://img.stockflat.example/interior/kitchen-02.jpg", a.signals().get(FraudSignal.DUPLICATE_IMAGES));
    }

    @Test
    void knownFraudContactsAndThrowAwayMailboxesAreSuspicious() {
        assertEquals("phone +79990001122 is known from fraud cases",
                assess(listing().phone("8 999 000 11 22")).signals().get(FraudSignal.SUSPICIOUS_CONTACT));
        assertEquals("e-mail owner.abroad@mail.ru is known from fraud cases",
                assess(listing().phone(null).email("Owner.Abroad@mail.ru")).signals().get(FraudSignal.SUSPICIOUS_CONTACT));
        FraudCheck.Assessment mailbox = assess(listing().email("keys@yopmail.com"));
        assertEquals("e-mail keys@yopmail.com is a throw-away mailbox", mailbox.signals().get(FraudSignal.SUSPICIOUS_CONTACT));
        assertEquals(0.4, mailbox.score());
    }

    @Test
    void signalsCombineAsIndependentEvidence() {
        FraudCheck.Assessment two = assess(listing().price(9_500_000)
                .images("https://img.stockflat.example/interior/bedroom-03.jpg"));
        assertEquals(List.of("price_too_low", "duplicate_images"), two.signalNames());
        assertEquals(0.76, two.score());
        FraudCheck.Assessment three = assess(listing().price(9_500_000).phone("+79005556677")
                .images("https://img.stockflat.example/interior/bedroom-03.jpg"));
        assertEquals(0.856, three.score());
        FraudCheck.Assessment weakPair = assess(listing().email("x@mailinator.com")
                .images("https://img.stockflat.example/interior/bedroom-03.jpg"));
        assertEquals(0.64, weakPair.score());
        assertEquals(RiskLevel.HIGH, weakPair.riskLevel());
    }

    @Test
    void confidenceIsTheShareOfRulesThatHadSomethingToJudge() {
        FraudCheck.Assessment a = assess(listing().city("Тверь").district(null).images());
        assertEquals(List.of(), a.signalNames());
        assertEquals(0.33, a.confidence());
    }

    @Test
    void theThresholdDecidesTheAlert() throws Exception {
        Exchange exchange = exchangeWith(listing().images("https://img.stockflat.example/interior/bedroom-03.jpg"));
        new FraudCheck(market, 0.6).process(exchange);
        assertEquals(0.4, exchange.getIn().getHeader(ListingHeaders.FRAUD_SCORE));
        assertEquals(false, exchange.getIn().getHeader(ListingHeaders.FRAUD_DETECTED));

        Exchange lower = exchangeWith(listing().images("https://img.stockflat.example/interior/bedroom-03.jpg"));
        new FraudCheck(market, 0.4).process(lower);
        assertEquals(true, lower.getIn().getHeader(ListingHeaders.FRAUD_DETECTED), "at the threshold");

        assertEquals("eventbus.listings.fraud-threshold: expected a number above 0 and at most 1 but was 1.5",
                assertThrows(IllegalArgumentException.class, () -> new FraudCheck(market, 1.5)).getMessage());
        assertEquals("eventbus.listings.fraud-threshold: expected a number above 0 and at most 1 but was \"high\"",
                assertThrows(IllegalArgumentException.class, () -> FraudCheck.withThreshold(market, "high"))
                        .getMessage());
        assertEquals(0.45, FraudCheck.withThreshold(market, " 0.45").threshold());
    }

    @Test
    void theProcessedListingCarriesTheAnalysis() throws Exception {
        Exchange exchange = exchangeWith(listing().originalId("77").price(9_500_000));
        Envelope normalized = exchange.getIn().getBody(Envelope.class);
        exchange.getIn().setHeader(ListingHeaders.FINGERPRINT, "f".repeat(64));

        check.process(exchange);

        Envelope processed = exchange.getIn().getBody(Envelope.class);
        assertEquals("processed_listing", processed.getEventType());
        assertEquals(normalized.getEventId(), processed.getParentEventId());
        assertEquals(normalized.getTraceId(), processed.getTraceId());
        JsonNode data = processed.getData();
        assertEquals("cian:77", data.get("listing_id").asText());
        assertEquals("f".repeat(64), data.get("fingerprint").asText());
        assertEquals(0.6, data.get("fraud_score").asDouble());
        assertEquals("[\"price_too_low\"]", data.get("fraud_signals").toString());
        assertEquals("high", data.get("risk_level").asText());
        assertEquals(1.0, data.get("confidence").asDouble());
        assertEquals("[\"normalize\",\"dedupe\",\"fraud-check\"]", data.get("processing_stages").toString());
        assertEquals(normalized.getData().get("listing_data"), data.get("listing_data"));
    }

    private FraudCheck.Assessment assess(RawListingBuilder raw) {
        return check.assess(normalizer.normalize(raw.build()).getData().get("listing_data"));
    }

    private Exchange exchangeWith(RawListingBuilder raw) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(normalizer.normalize(raw.build()));
        return exchange;
    }
}
