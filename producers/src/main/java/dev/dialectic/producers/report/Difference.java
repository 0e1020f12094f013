package dev.dialectic.producers.report;

import java.util.Optional;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.TTest;

/**
 * How a candidate group's latencies differ from a reference group's: the difference of the means with its 95%
 * confidence interval, and Welch's t-test (two-sided, unequal variances) of that difference, computed by Apache
 * Commons Statistics. The interval is {@code difference ± t(0.975, df) × √(s₁²/n₁ + s₂²/n₂)} with the
 * Welch–Satterthwaite degrees of freedom of the test, so it excludes 0 exactly when {@code p < 0.05}.
 *
 * @param reference the reference sample
 * @param candidate the candidate sample
 * @param difference candidate mean − reference mean, in seconds
 * @param lower lower end of the 95% confidence interval of the difference
 * @param upper upper end of the 95% confidence interval of the difference
 * @param t Welch's t statistic (its sign is the difference's)
 * @param degreesOfFreedom the Welch–Satterthwaite degrees of freedom
 * @param p the two-sided p-value
 */
public record Difference(
        Latencies reference, Latencies candidate, double difference, double lower, double upper, double t,
        double degreesOfFreedom, double p) {

    /** The confidence level of {@link #lower} and {@link #upper}. */
    public static final double CONFIDENCE = 0.95;

    private static final TTest WELCH = TTest.withDefaults()
            .with(DataDispersion.HETEROSCEDASTIC).with(AlternativeHypothesis.TWO_SIDED);

    /**
     * The difference of {@code candidate} from {@code reference}; empty when the test is undefined: fewer than two
     * values on either side, or no spread on both.
     */
    public static Optional<Difference> between(Latencies reference, Latencies candidate) {
        if (reference.count() < 2 || candidate.count() < 2
                || (reference.variance() == 0 && candidate.variance() == 0)) {
            return Optional.empty();
        }
        TTest.Result welch = WELCH.test(candidate.seconds(), reference.seconds());
        double difference = candidate.mean() - reference.mean();
        double standardError = Math.sqrt(candidate.variance() / candidate.count()
                + reference.variance() / reference.count());
        double margin = TDistribution.of(welch.getDegreesOfFreedom()).inverseSurvivalProbability((1 - CONFIDENCE) / 2)
                * standardError;
        return Optional.of(new Difference(reference, candidate, difference, difference - margin, difference + margin,
                welch.getStatistic(), welch.getDegreesOfFreedom(), welch.getPValue()));
    }

    /** The difference relative to the reference mean: −0.107 for 30.10 s → 26.86 s. */
    public double relativeChange() {
        return difference / reference.mean();
    }

    /**
     * The change of the standard deviation, relative: −0.61 for 10.25 → 3.96 (what the seeds' reports called
     * "variance −61%"; the variance itself changed by −85%). NaN when the reference has no spread.
     */
    public double spreadChange() {
        double referenceSd = reference.standardDeviation();
        return referenceSd == 0 ? Double.NaN : candidate.standardDeviation() / referenceSd - 1;
    }
}
