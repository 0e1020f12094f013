package dev.dialectic.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.tasks.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {

    @Test
    void theDialecticPipelineJoinsThesisAndAntithesisInBothModes() {
        Pipeline parallel = Pipeline.dialectic(Mode.PARALLEL);
        Pipeline sequential = Pipeline.dialectic(Mode.SEQUENTIAL);
        assertThat(parallel.finalStage().inputs()).containsExactly("thesis", "antithesis");
        assertThat(parallel.stage("antithesis").orElseThrow().inputs()).isEmpty();
        assertThat(sequential.stage("antithesis").orElseThrow().inputs()).containsExactly("thesis");
        assertThat(parallel.personas()).containsExactlyInAnyOrder("thesis", "antithesis", "synthesis");
    }

    @Test
    void malformedPipelinesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Pipeline(List.of(new Stage("a", "a", List.of("b")), new Stage("b", "b", List.of()))))
                .hasMessageContaining("'b', which is not an earlier stage");
        assertThatThrownBy(() -> new Pipeline(List.of(new Stage("a", "a", List.of()), new Stage("a", "a", List.of()))))
                .hasMessageContaining("defined twice");
        assertThatThrownBy(() -> new Pipeline(List.of(new Stage("a", "a", List.of()), new Stage("b", "b", List.of()))))
                .hasMessageContaining("exactly one final stage, found 2");
    }
}
