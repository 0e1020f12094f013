package dev.dialectic.orchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.Task;
import dev.dialectic.spec.Policies;
import dev.dialectic.tasks.Mode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComplexityTest {

    private final AdaptiveMode adaptive = new AdaptiveMode(new Policies.Adaptive(5.0));

    @Test
    void aShortQuestionIsSimpleAndRunsInParallel() {
        Complexity complexity = Complexity.of(task(
                "Should our 40-person startup split its monolith into microservices this year?", null, Map.of()));
        assertThat(complexity.score()).isEqualTo(2.1); // 1 + 11 words / 10 ("40-person" is one word)
        assertThat(complexity.source()).isEqualTo(Complexity.FROM_ESTIMATE);
        assertThat(adaptive.choose(complexity)).isEqualTo(Mode.PARALLEL);
        assertThat(adaptive.explain(complexity)).isEqualTo("complexity 2.1 (estimate) < 5.0: parallel");
    }

    @Test
    void aLongGoalWithContextAndTradeOffsIsComplexAndRunsSequentially() {
        String goal = "Compare migrating our billing system to event sourcing versus keeping the current database,"
                + " given the regulatory constraints and the budget for next year";
        String context = "word ".repeat(250);
        Complexity complexity = Complexity.of(task(goal, context, Map.of()));
        // 1 + min(4, 23/10) + min(3, 250/100) + min(2, 0.5 * 5 markers)
        assertThat(complexity.score()).isEqualTo(7.8);
        assertThat(adaptive.choose(complexity)).isEqualTo(Mode.SEQUENTIAL);
        assertThat(adaptive.explain(complexity)).isEqualTo("complexity 7.8 (estimate) >= 5.0: sequential");
    }

    @Test
    void theAttributeWinsAndIsClampedAndANonNumberIsNotedAndEstimated() {
        assertThat(Complexity.of(task("x", null, Map.of("complexity", " 7 ")))).isEqualTo(
                new Complexity(7, Complexity.FROM_ATTRIBUTE, Optional.empty()));
        assertThat(Complexity.of(task("x", null, Map.of("complexity", "42"))).score()).isEqualTo(10);
        Complexity noted = Complexity.of(task("one two", null, Map.of("complexity", "high")));
        assertThat(noted.score()).isEqualTo(1.2);
        assertThat(noted.note()).contains("complexity attribute 'high' is not a number; estimated from the text");
        assertThat(adaptive.choose(new Complexity(5, Complexity.FROM_ATTRIBUTE, Optional.empty())))
                .as("the threshold itself is complex").isEqualTo(Mode.SEQUENTIAL);
    }

    static Task task(String goal, String context, Map<String, String> attributes) {
        return Task.newBuilder().setTaskId("t").setGoal(goal).setContext(context).setMode("adaptive")
                .setTimeoutMs(null).setSubmittedAt(Instant.EPOCH).setAttributes(attributes).build();
    }
}
