package dev.dialectic.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary statistics of one sample (latencies in milliseconds, usually). Percentiles are nearest-rank on the
 * sorted sample, so every reported percentile is a value that was actually observed: p99 of 100 values is the
 * 99th smallest, p50 of 4 values the 2nd smallest.
 *
 * @param count number of values; when 0 every other component is NaN
 * @param mean arithmetic mean
 * @param min smallest value
 * @param p50 median (nearest rank)
 * @param p95 95th percentile (nearest rank)
 * @param p99 99th percentile (nearest rank)
 * @param max largest value
 */
public record Summary(int count, double mean, double min, double p50, double p95, double p99, double max) {

    /** The summary of no values. */
    public static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN);

    /** Summarizes {@code values} (not modified). */
    public static Summary of(double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double value : sorted) {
            sum += value;
        }
        return new Summary(sorted.length, sum / sorted.length, sorted[0], percentile(sorted, 50),
                percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** Summarizes {@code values}. */
    public static Summary of(Collection<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The nearest-rank {@code p}-th percentile of an ascending, non-empty array: the value at rank
     * ⌈p/100 · n⌉ (1-based), and the smallest value for p = 0.
     */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
