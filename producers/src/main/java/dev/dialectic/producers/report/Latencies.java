package dev.dialectic.producers.report;

import java.util.Arrays;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.descriptive.Variance;

/**
 * A sample of durations in seconds and its summary, computed by Apache Commons Statistics: count, mean,
 * sample standard deviation and variance (divisor n − 1; 0 for a single value), percentiles, range. Every
 * figure of an empty sample is NaN. Immutable.
 *
 * <p>Percentiles interpolate linearly between the closest ranks (Hyndman and Fan's definition 7, the default
 * of R, NumPy and spreadsheets): the 50th percentile of {1, 2, 3, 4} is 2.5, the 95th of 1..10 is 9.55.
 */
public final class Latencies {

    private static final Quantile QUANTILE = Quantile.withDefaults().with(Quantile.EstimationMethod.HF7);
    private static final Latencies EMPTY = new Latencies(new double[0]);

    private final double[] seconds; // sorted ascending

    private Latencies(double[] sorted) {
        this.seconds = sorted;
    }

    /**
     * A sample of the given durations, in seconds, in any order.
     *
     * @throws IllegalArgumentException if a value is NaN or infinite
     */
    public static Latencies of(double... seconds) {
        double[] sorted = seconds.clone();
        for (double value : sorted) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("a latency must be a finite number of seconds, got " + value);
            }
        }
        Arrays.sort(sorted);
        return sorted.length == 0 ? EMPTY : new Latencies(sorted);
    }

    /** The empty sample. */
    public static Latencies empty() {
        return EMPTY;
    }

    /** How many durations the sample holds. */
    public int count() {
        return seconds.length;
    }

    public boolean isEmpty() {
        return seconds.length == 0;
    }

    /** The durations in seconds, sorted ascending (a copy). */
    public double[] seconds() {
        return seconds.clone();
    }

    public double mean() {
        return Mean.of(seconds).getAsDouble();
    }

    /** The sample standard deviation (divisor n − 1). */
    public double standardDeviation() {
        return StandardDeviation.of(seconds).getAsDouble();
    }

    /** The sample variance (divisor n − 1). */
    public double variance() {
        return Variance.of(seconds).getAsDouble();
    }

    /** The {@code percent}-th percentile (0–100), interpolated as described above. */
    public double percentile(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("a percentile is between 0 and 100, got " + percent);
        }
        return isEmpty() ? Double.NaN : QUANTILE.evaluate(seconds, percent / 100);
    }

    public double p50() {
        return percentile(50);
    }

    public double p95() {
        return percentile(95);
    }

    public double p99() {
        return percentile(99);
    }

    public double min() {
        return isEmpty() ? Double.NaN : seconds[0];
    }

    public double max() {
        return isEmpty() ? Double.NaN : seconds[seconds.length - 1];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Latencies that && Arrays.equals(seconds, that.seconds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(seconds);
    }

    @Override
    public String toString() {
        return "Latencies" + Arrays.toString(seconds);
    }
}
