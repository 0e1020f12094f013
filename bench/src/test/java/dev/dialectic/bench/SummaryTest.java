package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void percentilesAreNearestRankSoEachIsAnObservedValue() {
        double[] oneToHundred = IntStream.rangeClosed(1, 100).mapToDouble(i -> i).toArray();
        Summary summary = Summary.of(oneToHundred);

        assertThat(summary.count()).isEqualTo(100);
        assertThat(summary.p50()).isEqualTo(50);
        assertThat(summary.p95()).isEqualTo(95);
        assertThat(summary.p99()).isEqualTo(99);
        assertThat(summary.min()).isEqualTo(1);
        assertThat(summary.max()).isEqualTo(100);
        assertThat(summary.mean()).isEqualTo(50.5);
    }

    @Test
    void aSmallSampleRoundsTheRankUp() {
        Summary summary = Summary.of(List.of(40.0, 10.0, 30.0, 20.0));

        assertThat(summary.p50()).isEqualTo(20);
        assertThat(summary.p95()).isEqualTo(40);
        assertThat(summary.p99()).isEqualTo(40);
    }

    @Test
    void theInputIsNotReordered() {
        double[] values = {3, 1, 2};
        Summary.of(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void noValuesSummarizeAsNotANumber() {
        Summary summary = Summary.of(new double[0]);
        assertThat(summary.count()).isZero();
        assertThat(summary.p50()).isNaN();
        assertThat(summary.mean()).isNaN();
    }

    @Test
    void aPercentileOutsideZeroToHundredIsRefused() {
        assertThatThrownBy(() -> Summary.percentile(new double[] {1}, 101))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
