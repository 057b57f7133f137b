package io.eventbus.samples.listings;

import java.util.Locale;

/**
 * The named fraud indicators of the fraud-check stage (the listings pipeline's {@code fraud_signals}), each with the weight it
 * adds to the fraud score. Weights combine as independent evidence: score = 1 − Π(1 − weight), so one strong
 * signal alone can reach the alert threshold, weak ones need company, and the score never exceeds 1.
 */
public enum FraudSignal {

    /** The price per m² is under {@code price_rules.too_low_below} (50 %) of the area's median: the classic bait. */
    PRICE_TOO_LOW(0.6),
    /** The price per m² is over {@code price_rules.anomaly_above} (3×) the area's median: a mistyped price or currency. */
    PRICE_ANOMALY(0.2),
    /** A photo is one already seen on other sellers' listings (the reference's reused-image index). */
    DUPLICATE_IMAGES(0.4),
    /** The phone or e-mail is one known from fraud cases, or the e-mail is a throw-away mailbox. */
    SUSPICIOUS_CONTACT(0.4);

    private final double weight;

    FraudSignal(double weight) {
        this.weight = weight;
    }

    public double weight() {
        return weight;
    }

    /** The name in events, e.g. {@code price_too_low}. */
    public String signalName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
