package io.eventbus.bench;

import java.util.Arrays;

/** The median the reports take over rounds: the middle value, or the mean of the middle two for an even count. */
final class Stats {

    private Stats() {
    }

    /** The median of the values that are numbers (NaN stands for "not measured" and is left out); NaN if none is. */
    static double median(double[] values) {
        double[] known = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        int middle = known.length / 2;
        return known.length % 2 == 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
    }

    /** a / b, or NaN when either is not a number or b is 0. */
    static double ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
    }
}
