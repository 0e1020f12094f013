package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.orchestrator.policy.Complexity;
import dev.dialectic.spec.Policies;
import dev.dialectic.tasks.Mode;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The modes scenario's mix is what its summary and the README say it is. */
class ModesWorkloadTest {

    @Test
    void theModesTakeTurnsSoEachGoalRunsInEveryMode() {
        assertThat(IntStream.range(0, 6).mapToObj(Workload::inTurn)).containsExactly(Mode.PARALLEL, Mode.SEQUENTIAL,
                Mode.ADAPTIVE, Mode.PARALLEL, Mode.SEQUENTIAL, Mode.ADAPTIVE);
    }

    @Test
    void halfTheAdaptiveTasksStateAComplexityAtOrAboveTheThresholdAndTheRestEstimateBelowIt() {
        double threshold = Policies.Adaptive.DEFAULT_THRESHOLD;
        List<Map<String, String>> adaptive = IntStream.range(0, 20)
                .mapToObj(goal -> ModesScenario.attributes(Mode.ADAPTIVE, goal)).toList();

        assertThat(adaptive).filteredOn(Map::isEmpty).hasSize(10);
        assertThat(adaptive).filteredOn(a -> !a.isEmpty()).allSatisfy(a ->
                assertThat(Double.parseDouble(a.get(Complexity.ATTRIBUTE))).isGreaterThanOrEqualTo(threshold));
        assertThat(IntStream.range(0, 20).mapToObj(Workload::goal))
                .as("goals without a stated complexity run in parallel")
                .allSatisfy(goal -> assertThat(Complexity.estimate(goal, null)).isLessThan(threshold));
        assertThat(ModesScenario.attributes(Mode.PARALLEL, 0)).isEmpty();
        assertThat(ModesScenario.attributes(Mode.SEQUENTIAL, 0)).isEmpty();
    }

    @Test
    void theFallbackGroupRunsOnItsOwnTopicsWithAFailingAntithesisAndNoRetries() {
        Map<String, String> settings = Map.of(DialecticConfig.TOPIC_PREFIX, "bench-1-modes.",
                DialecticConfig.SIMULATED_SPEED_FACTOR, "0.1");

        Map<String, String> fallback = ModesScenario.fallbackSettings(settings, 0.5);

        assertThat(fallback).containsEntry(DialecticConfig.TOPIC_PREFIX, "bench-1-modes.fallback.")
                .containsEntry(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.1")
                .containsEntry(DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS, "1")
                .containsEntry("persona.antithesis.circuit.failure.rate", "100");
        DialecticConfig config = new DialecticConfig(fallback);
        assertThat(config.simulatedProfile("antithesis").errorRate()).isEqualTo(0.5);
        assertThat(config.simulatedProfile("thesis").errorRate()).isZero();
        assertThatCode(config::pipelineSpec).as("the spec takes the circuit breaker's override")
                .doesNotThrowAnyException();
    }
}
