package dev.dialectic.producers.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Welch's test and the confidence interval of the difference, against published worked examples. */
class DifferenceTest {

    /**
     * The example of R's documentation of {@code t.test} (package stats): {@code t.test(1:10, y = c(7:20, 200))}
     * prints "Welch Two Sample t-test ... t = -1.6329, df = 14.165, p-value = 0.1245 ... 95 percent confidence
     * interval: -47.242900 6.376233 ... mean of x 5.50000, mean of y 25.93333". Here y is the reference and x the
     * candidate.
     */
    @Test
    void matchesTheExampleOfRsTTestDocumentation() {
        Latencies y = Latencies.of(7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 200);
        Latencies x = Latencies.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

        Difference difference = Difference.between(y, x).orElseThrow();

        assertThat(difference.t()).isCloseTo(-1.6329, within(0.00005));
        assertThat(difference.degreesOfFreedom()).isCloseTo(14.165, within(0.0005));
        assertThat(difference.p()).isCloseTo(0.1245, within(0.00005));
        assertThat(difference.lower()).isCloseTo(-47.242900, within(0.0000005));
        assertThat(difference.upper()).isCloseTo(6.376233, within(0.0000005));
        assertThat(difference.difference()).isCloseTo(5.5 - 25.93333, within(0.000005));
        assertThat(difference.relativeChange()).isCloseTo((5.5 - 25.93333) / 25.93333, within(0.000001));
    }

    /**
     * Statology's "How to Perform Welch's t-test in R": exam scores with a prep booklet (candidate) and without
     * (reference): "t = 2.2361, df = 14.354, p-value = 0.04171; 95 percent confidence interval: 0.3048395
     * 13.8618272".
     */
    @Test
    void matchesAWorkedExampleWithUnequalVariances() {
        Latencies noBooklet = Latencies.of(67, 90, 71, 95, 88, 83, 72, 66, 75, 86, 93, 84);
        Latencies booklet = Latencies.of(90, 85, 88, 89, 94, 91, 79, 83, 87, 88, 91, 90);

        Difference difference = Difference.between(noBooklet, booklet).orElseThrow();

        assertThat(difference.t()).isCloseTo(2.2361, within(0.00005));
        assertThat(difference.degreesOfFreedom()).isCloseTo(14.354, within(0.0005));
        assertThat(difference.p()).isCloseTo(0.04171, within(0.000005));
        assertThat(difference.lower()).isCloseTo(0.3048395, within(0.00000005));
        assertThat(difference.upper()).isCloseTo(13.8618272, within(0.00000005));
    }

    @Test
    void theSpreadChangeIsTheRatioOfStandardDeviations() {
        // sd 10 → sd 2: −80% (the variance fell by 96%).
        Difference difference = Difference.between(Latencies.of(10, 20, 30), Latencies.of(15, 17, 19)).orElseThrow();

        assertThat(difference.spreadChange()).isCloseTo(-0.8, within(1e-12));
        assertThat(difference.difference()).isCloseTo(-3, within(1e-12));
    }

    @Test
    void isUndefinedWithoutTwoValuesASideOrAnySpread() {
        assertThat(Difference.between(Latencies.of(1), Latencies.of(1, 2))).isEmpty();
        assertThat(Difference.between(Latencies.of(1, 2), Latencies.of())).isEmpty();
        assertThat(Difference.between(Latencies.of(3, 3), Latencies.of(4, 4))).isEmpty();
        assertThat(Difference.between(Latencies.of(3, 3), Latencies.of(4, 5))).isPresent();
    }
}
