package dev.dialectic.producers.report;

import static dev.dialectic.producers.report.LedgerFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The figures of {@link LedgerFixture#sample()}, each worked out by hand from the table there. */
class ReportTest {

    private static final double EPSILON = 1e-9;

    @Test
    void figuresPerVariant() {
        Report report = Report.of(LedgerFixture.sample(), Grouping.VARIANT, T0, null);

        assertThat(report.unfinished()).as("b4; o1 is before --since").isEqualTo(1);
        assertThat(report.tasks()).isEqualTo(5);
        assertThat(report.groups()).extracting(GroupFigures::name).containsExactly("baseline", "canary");
        assertThat(report.stages()).containsExactly("thesis", "antithesis", "synthesis");

        GroupFigures baseline = report.groups().get(0);
        assertThat(baseline.tasks()).isEqualTo(3);
        assertThat(baseline.succeeded()).isEqualTo(2);
        assertThat(baseline.partial()).isEqualTo(1);
        assertThat(baseline.failed()).isZero();
        assertThat(baseline.total().seconds()).containsExactly(10, 12, 14);
        assertThat(baseline.total().mean()).isCloseTo(12, within(EPSILON));
        assertThat(baseline.total().standardDeviation()).isCloseTo(2, within(EPSILON));
        assertThat(baseline.total().p95()).as("12 + 0.9 × (14 − 12)").isCloseTo(13.8, within(EPSILON));
        assertThat(baseline.total().p99()).as("12 + 0.98 × (14 − 12)").isCloseTo(13.96, within(EPSILON));
        assertThat(baseline.stage("thesis").seconds()).containsExactly(4, 5, 6);
        assertThat(baseline.stage("antithesis").seconds()).as("b3's failed antithesis is left out")
                .containsExactly(6, 7);
        assertThat(baseline.stage("synthesis").seconds()).containsExactly(3.7, 6.0);
        assertThat(baseline.timeToFirstToken().seconds()).as("the earliest first token of each task")
                .containsExactly(0.3, 0.5, 0.7);
        assertThat(baseline.success()).isEqualTo(new Rate(2, 3));
        assertThat(baseline.fallback()).isEqualTo(new Rate(1, 3));
        assertThat(baseline.gatePass()).as("b1 and b2 were judged; both passed in the end").isEqualTo(new Rate(2, 2));
        assertThat(baseline.secondPass()).isEqualTo(new Rate(1, 2));
        assertThat(baseline.cacheHit()).as("3 + 3 + 2 stages ended (b3's synthesis was skipped); b3's thesis hit")
                .isEqualTo(new Rate(1, 8));

        GroupFigures canary = report.groups().get(1);
        assertThat(canary.tasks()).isEqualTo(2);
        assertThat(canary.total().seconds()).containsExactly(8, 9);
        assertThat(canary.stage("synthesis").seconds()).containsExactly(3.5, 3.9);
        assertThat(canary.timeToFirstToken().seconds()).containsExactly(0.2, 0.3);
        assertThat(canary.success()).isEqualTo(new Rate(2, 2));
        assertThat(canary.fallback()).isEqualTo(new Rate(0, 2));
        assertThat(canary.gatePass()).as("c2's last verdict failed").isEqualTo(new Rate(1, 2));
        assertThat(canary.secondPass()).isEqualTo(new Rate(1, 2));
        assertThat(canary.cacheHit()).isEqualTo(new Rate(0, 6));
    }

    @Test
    void theComparisonOfTotalLatency() {
        Comparison comparison = Report.of(LedgerFixture.sample(), Grouping.VARIANT, T0, null).comparisons().getFirst();

        assertThat(comparison.reference().name()).isEqualTo("baseline");
        assertThat(comparison.candidate().name()).isEqualTo("canary");
        Difference total = comparison.total().orElseThrow();
        // Welch by hand: s² = 4 (baseline, n 3) and 0.5 (canary, n 2); standard error √(4/3 + 0.5/2).
        double standardError = Math.sqrt(4.0 / 3 + 0.5 / 2);
        double df = Math.pow(4.0 / 3 + 0.5 / 2, 2) / (Math.pow(4.0 / 3, 2) / 2 + Math.pow(0.5 / 2, 2) / 1);
        assertThat(total.difference()).isCloseTo(-3.5, within(EPSILON));
        assertThat(total.t()).isCloseTo(-3.5 / standardError, within(EPSILON));
        assertThat(total.degreesOfFreedom()).isCloseTo(df, within(EPSILON));
        // scipy.stats.ttest_ind([8, 9], [10, 14, 12], equal_var=False): p 0.0798207, CI (-7.837302, 0.837302).
        assertThat(total.p()).isCloseTo(0.0798207, within(0.0000005));
        assertThat(total.lower()).isCloseTo(-7.837302, within(0.0000005));
        assertThat(total.upper()).isCloseTo(0.837302, within(0.0000005));
        assertThat(total.relativeChange()).isCloseTo(-3.5 / 12, within(EPSILON));
        assertThat(total.spreadChange()).isCloseTo(Math.sqrt(0.5) / 2 - 1, within(EPSILON));
        assertThat(comparison.stages()).containsOnlyKeys("thesis", "antithesis", "synthesis");
        assertThat(comparison.timeToFirstToken()).isPresent();
    }

    @Test
    void byModeTheLargestGroupIsTheReferenceUnlessOneIsNamed() {
        Report byMode = Report.of(LedgerFixture.sample(), Grouping.MODE, T0, null);
        assertThat(byMode.groups()).extracting(GroupFigures::name, GroupFigures::tasks)
                .containsExactly(tuple("parallel", 3),
                        tuple("sequential", 2));

        Report named = Report.of(LedgerFixture.sample(), Grouping.MODE, T0, "sequential");
        assertThat(named.groups()).extracting(GroupFigures::name).containsExactly("sequential", "parallel");
        assertThat(named.comparisons().getFirst().reference().name()).isEqualTo("sequential");
    }

    @Test
    void withoutSinceEveryTaskCountsAndTiesGoByName() {
        Report report = Report.of(LedgerFixture.sample(), Grouping.VARIANT, null, null);

        assertThat(report.since()).isEmpty();
        assertThat(report.groups()).extracting(GroupFigures::name, GroupFigures::tasks)
                .containsExactly(tuple("baseline", 3),
                        tuple("canary", 3));
    }

    @Test
    void aReferenceThatIsNoGroupIsRefusedWithTheGroupsThereAre() {
        assertThatThrownBy(() -> Report.of(LedgerFixture.sample(), Grouping.VARIANT, T0, "blue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no finished task of variant 'blue' (there are: baseline, canary)");
    }

    @Test
    void nothingFinishedMakesAnEmptyReport() {
        Report report = Report.of(LedgerFixture.sample(), Grouping.VARIANT, T0.plusSeconds(3600), null);

        assertThat(report.groups()).isEmpty();
        assertThat(report.comparisons()).isEmpty();
        assertThat(report.unfinished()).isZero();
    }
}
