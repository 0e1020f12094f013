package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.tasks.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FallbackCostTest {

    private static final Map<String, Double> DURATIONS = Map.of(
            Pipeline.THESIS, 450.0, Pipeline.ANTITHESIS, 1080.0, Pipeline.SYNTHESIS, 1420.0);

    @Test
    void theCostIsTheLatencyOfTasksThatFellBackOverThoseThatRanInParallelThroughout() {
        Timelines run = new Timelines(List.of(
                parallel(2600), parallel(2700), parallel(2650),
                fellBack(3200, 0), fellBack(3500, 300)),
                3, 0, 2);

        FallbackCost cost = FallbackCost.of(run);

        assertThat(cost.fellBack()).as("two timed, two failed again").isEqualTo(4);
        assertThat(cost.failedAgain()).isEqualTo(2);
        assertThat(cost.fallback().count()).isEqualTo(2);
        assertThat(cost.fallback().mean()).isEqualTo(3350);
        assertThat(cost.noFallback().count()).isEqualTo(3);
        assertThat(cost.noFallback().mean()).isEqualTo(2650);
        assertThat(cost.costMs()).isEqualTo(700);
        assertThat(cost.costP50Ms()).as("p50s 3,200 and 2,650").isEqualTo(550);
        assertThat(cost.idealCostMs()).as("the thesis is now on the critical path").isEqualTo(450);
        assertThat(cost.rerunWait().mean()).isEqualTo(150);
    }

    @Test
    void withoutTasksThatFellBackTheCostIsNotANumber() {
        FallbackCost cost = FallbackCost.of(new Timelines(List.of(parallel(2600)), 0, 0, 0));

        assertThat(cost.fellBack()).isZero();
        assertThat(cost.costMs()).isNaN();
        assertThat(cost.idealCostMs()).isNaN();
    }

    private static Timeline parallel(double endToEndMs) {
        return new Timeline("task", Mode.PARALLEL, Mode.PARALLEL, false, 0, endToEndMs, 1080 + 1420,
                450 + 1080 + 1420, DURATIONS, 3, Map.of(), Map.of(), 30);
    }

    /** A task whose antithesis failed and ran again after the thesis: the chain's critical path is the sum. */
    private static Timeline fellBack(double endToEndMs, double rerunWaitMs) {
        return new Timeline("task", Mode.SEQUENTIAL, Mode.PARALLEL, true, rerunWaitMs, endToEndMs,
                450 + 1080 + 1420, 450 + 1080 + 1420, DURATIONS, 3, Map.of(), Map.of(), 30);
    }
}
