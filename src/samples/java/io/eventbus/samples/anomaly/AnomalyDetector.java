package io.eventbus.samples.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.eventbus.envelope.Envelope;
import io.eventbus.transport.FatalException;

/**
 * The detection stage of the anomaly-detection sample's pipeline: reads an {@code anomaly_detection_request}
 * ({@code data.dataset_id}, {@code data.algorithm}, {@code data.values}, optional {@code data.threshold}) and
 * replaces the body with the result's data ({@code dataset_id}, {@code algorithm}, {@code anomaly_count},
 * {@code anomalies} as indexes into {@code values}, {@code execution_time_ms}), which the route publishes as an
 * {@code anomaly_detection_result}.
 * <p>
 * Algorithms: {@code zscore} (|value - mean| greater than {@code threshold} standard deviations, default 3) and
 * {@code iqr} (outside Tukey's fences, {@code threshold} times the interquartile range, default 1.5). A request
 * the stage cannot serve (unknown algorithm, fewer than 3 values) fails with a {@link FatalException} naming the
 * field, so the bus dead-letters it at once: retrying would not help.
 */
public final class AnomalyDetector implements Processor {

    @Override
    public void process(Exchange exchange) {
        long start = System.nanoTime();
        JsonNode request = exchange.getIn().getBody(Envelope.class).getData();
        String algorithm = request.path("algorithm").asText("zscore");
        double[] values = values(request.path("values"));
        List<Integer> anomalies = switch (algorithm) {
            case "zscore" -> zscore(values, request.path("threshold").asDouble(3.0));
            case "iqr" -> iqr(values, request.path("threshold").asDouble(1.5));
            default -> throw new FatalException("data.algorithm: unsupported \"" + algorithm
                    + "\" (this detector knows zscore and iqr)");
        };
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("dataset_id", request.path("dataset_id").asText());
        result.put("algorithm", algorithm);
        result.put("anomaly_count", anomalies.size());
        anomalies.forEach(result.putArray("anomalies")::add);
        result.put("execution_time_ms", Math.round((System.nanoTime() - start) / 1e4) / 100.0);
        exchange.getIn().setBody(result);
    }

    private static double[] values(JsonNode values) {
        if (!values.isArray() || values.size() < 3) {
            throw new FatalException("data.values: expected an array of at least 3 numbers but was " + values);
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            if (!values.get(i).isNumber()) {
                throw new FatalException("data.values[" + i + "]: expected a number but was " + values.get(i));
            }
            out[i] = values.get(i).asDouble();
        }
        return out;
    }

    private static List<Integer> zscore(double[] values, double threshold) {
        double mean = Arrays.stream(values).average().orElse(0);
        double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
        double deviation = Math.sqrt(variance);
        List<Integer> anomalies = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (deviation > 0 && Math.abs(values[i] - mean) / deviation > threshold) {
                anomalies.add(i);
            }
        }
        return anomalies;
    }

    private static List<Integer> iqr(double[] values, double factor) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double q1 = quantile(sorted, 0.25);
        double q3 = quantile(sorted, 0.75);
        double low = q1 - factor * (q3 - q1);
        double high = q3 + factor * (q3 - q1);
        List<Integer> anomalies = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < low || values[i] > high) {
                anomalies.add(i);
            }
        }
        return anomalies;
    }

    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
