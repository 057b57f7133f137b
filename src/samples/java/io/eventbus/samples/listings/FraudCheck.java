package io.eventbus.samples.listings;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.eventbus.envelope.Envelope;

/**
 * The fraud-check stage (the listings pipeline's fraud detection plugin): scores a normalized listing against the
 * {@link MarketReference} and turns it into a {@code processed_listing} event with {@code fraud_score} (0..1),
 * {@code fraud_signals}, {@code signal_details} (why each signal fired), {@code risk_level}, {@code confidence} and
 * {@code processing_stages}.
 * <p>
 * Rules ({@link FraudSignal}): the price per m² in roubles against the median of the listing's district (else
 * city) for its deal type — {@code price_too_low}, {@code price_anomaly}; photos in the reused-image index —
 * {@code duplicate_images}; the seller's phone or e-mail — {@code suspicious_contact}. {@code confidence} is the
 * share of the three rule groups (price, photos, contact) that had something to judge: a listing in a city without
 * a median, or without photos, is scored on less. Every rule reads only the listing and the snapshot, so the result
 * does not depend on event order or concurrency.
 * <p>
 * Sets {@link ListingHeaders#FRAUD_SCORE} and {@link ListingHeaders#FRAUD_DETECTED} (score at or above the
 * threshold), which the route uses to publish a {@code fraud_detected} alert ({@link FraudAlert}). Thread-safe.
 */
public final class FraudCheck implements Processor {

    public static final String PROCESSED_LISTING = "processed_listing";
    /** The stages a processed listing went through: the route's step ids. */
    public static final List<String> PROCESSING_STAGES = List.of("normalize", "dedupe", "fraud-check");
    /** The default of {@code eventbus.listings.fraud-threshold}. */
    public static final double DEFAULT_THRESHOLD = 0.6;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int RULE_GROUPS = 3;

    private final MarketReference market;
    private final double threshold;

    /**
     * @param threshold the fraud score from which an alert is published, above 0 and at most 1
     *                  ({@code eventbus.listings.fraud-threshold})
     */
    public FraudCheck(MarketReference market, double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("eventbus.listings.fraud-threshold: expected a number above 0 and at "
                    + "most 1 but was " + threshold);
        }
        this.market = market;
        this.threshold = threshold;
    }

    /**
     * The stage with its threshold given as configuration text, for YAML bean definitions
     * ({@code factoryMethod: withThreshold}): a value that is not a number fails naming the key.
     */
    public static FraudCheck withThreshold(MarketReference market, String threshold) {
        double parsed;
        try {
            parsed = Double.parseDouble(threshold.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException("eventbus.listings.fraud-threshold: expected a number above 0 and at "
                    + "most 1 but was \"" + threshold + "\"", e);
        }
        return new FraudCheck(market, parsed);
    }

    public double threshold() {
        return threshold;
    }

    /** What the rules found for one listing. */
    public record Assessment(double score, RiskLevel riskLevel, Map<FraudSignal, String> signals, double confidence) {

        public List<String> signalNames() {
            List<String> names = new ArrayList<>();
            signals.keySet().forEach(s -> names.add(s.signalName()));
            return names;
        }
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        Envelope normalized = in.getBody(Envelope.class);
        JsonNode listing = normalized.getData().path("listing_data");
        Assessment assessment = assess(listing);
        ObjectNode data = MAPPER.createObjectNode();
        data.put("listing_id", listing.path("listing_id").asText());
        data.set("listing_data", listing.deepCopy());
        String fingerprint = in.getHeader(ListingHeaders.FINGERPRINT, String.class);
        data.put("fingerprint", fingerprint != null ? fingerprint : ListingFingerprint.of(listing));
        data.put("fraud_score", assessment.score());
        ArrayNode names = data.putArray("fraud_signals");
        assessment.signalNames().forEach(names::add);
        ObjectNode details = data.putObject("signal_details");
        assessment.signals().forEach((signal, why) -> details.put(signal.signalName(), why));
        data.put("risk_level", assessment.riskLevel().levelName());
        data.put("confidence", assessment.confidence());
        ArrayNode stages = data.putArray("processing_stages");
        PROCESSING_STAGES.forEach(stages::add);
        data.put("processing_duration_ms", Math.max(0, exchange.getClock().elapsed()));
        Envelope processed = normalized.derive(PROCESSED_LISTING, data);
        processed.setSource(ListingNormalizer.PIPELINE_SOURCE);
        processed.setKey(normalized.getKey());
        in.setBody(processed);
        in.setHeader(ListingHeaders.FRAUD_SCORE, assessment.score());
        in.setHeader(ListingHeaders.FRAUD_DETECTED, isFraud(assessment.score()));
    }

    /** Whether a score is at or above the threshold. */
    public boolean isFraud(double score) {
        return score >= threshold;
    }

    /** Runs every rule on a normalized listing ({@code listing_data}). */
    public Assessment assess(JsonNode listing) {
        Map<FraudSignal, String> signals = new EnumMap<>(FraudSignal.class);
        int judged = 0;
        if (priceRules(listing, signals)) {
            judged++;
        }
        if (imageRule(listing, signals)) {
            judged++;
        }
        if (contactRule(listing, signals)) {
            judged++;
        }
        double clean = 1;
        for (FraudSignal signal : signals.keySet()) {
            clean *= 1 - signal.weight();
        }
        // rounded so that equal evidence gives an equal score whatever the floating-point order of the product
        double score = Math.round((1 - clean) * 10_000) / 10_000.0;
        double confidence = Math.round((double) judged / RULE_GROUPS * 100) / 100.0;
        return new Assessment(score, RiskLevel.of(score), signals, confidence);
    }

    private boolean priceRules(JsonNode listing, Map<FraudSignal, String> signals) {
        JsonNode address = listing.path("address");
        String dealType = listing.path("deal_type").asText(null);
        if (!listing.path("price_per_sqm_rub").isNumber() || dealType == null) {
            return false;
        }
        Optional<MarketReference.Median> median = market.median(address.path("city").asText(null),
                address.path("district").asText(null), dealType);
        if (median.isEmpty()) {
            return false;
        }
        double perSqm = listing.get("price_per_sqm_rub").asDouble();
        double ratio = perSqm / median.get().pricePerSqmRub();
        String comparison = String.format(Locale.ROOT, "price per m² %,.0f RUB is %.0f%% of the %s median %,.0f RUB "
                + "of %s", perSqm, ratio * 100, dealType, median.get().pricePerSqmRub(), median.get().area());
        if (ratio < market.tooLowBelow()) {
            signals.put(FraudSignal.PRICE_TOO_LOW, comparison + " (below " + percent(market.tooLowBelow()) + ")");
        } else if (ratio > market.anomalyAbove()) {
            signals.put(FraudSignal.PRICE_ANOMALY, comparison + " (above " + percent(market.anomalyAbove()) + ")");
        }
        return true;
    }

    private boolean imageRule(JsonNode listing, Map<FraudSignal, String> signals) {
        JsonNode images = listing.path("images");
        if (images.isEmpty()) {
            return false;
        }
        List<String> reused = new ArrayList<>();
        images.forEach(image -> {
            if (market.isReusedImage(image.asText())) {
                reused.add(image.asText());
            }
        });
        if (!reused.isEmpty()) {
            signals.put(FraudSignal.DUPLICATE_IMAGES, reused.size() + " of " + images.size()
                    + " photos already seen on other sellers' listings: " + String.join(", ", reused));
        }
        return true;
    }

    private boolean contactRule(JsonNode listing, Map<FraudSignal, String> signals) {
        JsonNode contact = listing.path("contact");
        String phone = contact.path("phone").asText(null);
        String email = contact.path("email").asText(null);
        if (phone == null && email == null) {
            return false;
        }
        List<String> reasons = new ArrayList<>();
        if (market.isBlockedPhone(phone)) {
            reasons.add("phone " + phone + " is known from fraud cases");
        }
        if (market.isBlockedEmail(email)) {
            reasons.add("e-mail " + email + " is known from fraud cases");
        } else if (market.isDisposableEmail(email)) {
            reasons.add("e-mail " + email + " is a throw-away mailbox");
        }
        if (!reasons.isEmpty()) {
            signals.put(FraudSignal.SUSPICIOUS_CONTACT, String.join("; ", reasons));
        }
        return true;
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }
}
