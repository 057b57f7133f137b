package io.eventbus.samples.freefood;

import io.eventbus.envelope.Envelope;

/**
 * The free-food system's notification service stage: an event whose classifier confidence is below the threshold is not
 * announced (that system logs low-confidence events at WARN and skips them); the others become a one-line notification.
 */
public final class FreeFoodNotifications {

    private double threshold = 0.6;

    /** True when {@code data.llm_confidence} is at least the threshold; an event without a confidence is announced. */
    public boolean confident(Envelope event) {
        return !event.getData().hasNonNull("llm_confidence")
                || event.getData().get("llm_confidence").asDouble() >= threshold;
    }

    /** "Free food: Free Pizza Night at CS Building, Room 150 (confidence 0.93)". */
    public String notification(Envelope event) {
        String location = event.getData().path("location").asText("somewhere on campus");
        String confidence = event.getData().hasNonNull("llm_confidence")
                ? " (confidence " + event.getData().get("llm_confidence").asText() + ")" : "";
        return "Free food: " + event.getData().path("title").asText() + " at " + location + confidence;
    }

    /** "Low confidence 0.21 for "Career Fair" (event ...): not announced". */
    public String skipped(Envelope event) {
        return "Low confidence " + event.getData().path("llm_confidence").asText() + " for \""
                + event.getData().path("title").asText() + "\" (event " + event.getEventId() + "): not announced";
    }

    public double getThreshold() {
        return threshold;
    }

    /** The lowest {@code llm_confidence} announced (default 0.6). */
    public void setThreshold(double threshold) {
        this.threshold = threshold;
    }
}
