package dev.dialectic.producers.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void summarisesASampleAsRAndNumPyDo() {
        // 1..10 shuffled. Independently: mean 55/10; sample variance Σ(x − 5.5)² / 9 = 82.5 / 9; R's quantile()
        // (type 7) and numpy.percentile: p50 = 5.5, p95 = 1 + 0.95 × 9 = 9.55, p99 = 1 + 0.99 × 9 = 9.91.
        Latencies sample = Latencies.of(7, 3, 10, 1, 5, 9, 2, 8, 4, 6);

        assertThat(sample.count()).isEqualTo(10);
        assertThat(sample.mean()).isEqualTo(5.5);
        assertThat(sample.variance()).isCloseTo(82.5 / 9, within(1e-12));
        assertThat(sample.standardDeviation()).isCloseTo(Math.sqrt(82.5 / 9), within(1e-12));
        assertThat(sample.p50()).isCloseTo(5.5, within(1e-12));
        assertThat(sample.p95()).isCloseTo(9.55, within(1e-12));
        assertThat(sample.p99()).isCloseTo(9.91, within(1e-12));
        assertThat(sample.min()).isEqualTo(1);
        assertThat(sample.max()).isEqualTo(10);
        assertThat(sample.seconds()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void aSingleValueHasNoSpreadAndAnEmptySampleNoFigures() {
        Latencies one = Latencies.of(2.5);
        assertThat(one.standardDeviation()).isZero();
        assertThat(one.p99()).isEqualTo(2.5);

        Latencies none = Latencies.of();
        assertThat(none.count()).isZero();
        assertThat(none.mean()).isNaN();
        assertThat(none.standardDeviation()).isNaN();
        assertThat(none.p50()).isNaN();
        assertThat(none.min()).isNaN();
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThatThrownBy(() -> Latencies.of(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Latencies.of(1).percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
