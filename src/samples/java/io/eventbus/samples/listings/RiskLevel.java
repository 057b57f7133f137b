package io.eventbus.samples.listings;

import java.util.Locale;

/** The risk band of a fraud score: {@code low} under 0.3, {@code medium} under 0.6, {@code high} from 0.6. */
public enum RiskLevel {
    LOW, MEDIUM, HIGH;

    public static RiskLevel of(double fraudScore) {
        if (fraudScore >= 0.6) {
            return HIGH;
        }
        return fraudScore >= 0.3 ? MEDIUM : LOW;
    }

    /** The name in events, e.g. {@code medium}. */
    public String levelName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
