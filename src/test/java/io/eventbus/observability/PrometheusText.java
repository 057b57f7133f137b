package io.eventbus.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads figures out of a Prometheus text scrape, as a dashboard query would: a metric summed over matching series. */
public final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    public PrometheusText(String text) {
        this.text = text;
    }

    /** The sum of every sample of the metric whose labels include {@code labels}; 0 when none matches. */
    public double sum(String metric, Map<String, String> labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.strip());
            if (!sample.matches() || !sample.group(1).equals(metric)) {
                continue;
            }
            Map<String, String> found = labelsOf(sample.group(3));
            if (labels.entrySet().stream().allMatch(l -> l.getValue().equals(found.get(l.getKey())))) {
                sum += Double.parseDouble(sample.group(4));
            }
        }
        return sum;
    }

    /** Whether some sample of the metric has at least these labels. */
    public boolean has(String metric, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line.strip());
            if (sample.matches() && sample.group(1).equals(metric)) {
                Map<String, String> found = labelsOf(sample.group(3));
                if (labels.entrySet().stream().allMatch(l -> l.getValue().equals(found.get(l.getKey())))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, String> labelsOf(String labels) {
        Map<String, String> found = new LinkedHashMap<>();
        if (labels != null) {
            Matcher label = LABEL.matcher(labels);
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return text;
    }
}
