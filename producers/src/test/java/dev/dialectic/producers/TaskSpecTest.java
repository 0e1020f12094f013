package dev.dialectic.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.schema.Task;
import dev.dialectic.tasks.Mode;
import dev.dialectic.tasks.TaskRules;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskSpecTest {

    private static final TaskRules RULES = TaskRules.DEFAULTS;

    @Test
    void generatesAUuidUnlessAnIdIsGiven() {
        TaskSpec generated = TaskSpec.of("Should we ship on Fridays?");
        TaskSpec other = TaskSpec.of("Should we ship on Fridays?");

        assertThat(UUID.fromString(generated.id()).toString()).isEqualTo(generated.id());
        assertThat(other.id()).isNotEqualTo(generated.id());
        assertThat(TaskSpec.builder().id("t-1").goal("g").build().id()).isEqualTo("t-1");
    }

    @Test
    void becomesTheTaskRecordItDescribes() {
        Instant submittedAt = Instant.parse("2026-01-02T03:04:05.678Z");
        TaskSpec spec = TaskSpec.builder().id("t-1").goal("Pick a database").context("We run Postgres today.")
                .mode(Mode.SEQUENTIAL).timeout(Duration.ofSeconds(30)).attribute("team", "infra").build();

        Task task = spec.toTask(submittedAt);

        assertThat(task.getTaskId()).isEqualTo("t-1");
        assertThat(task.getGoal()).isEqualTo("Pick a database");
        assertThat(task.getContext()).isEqualTo("We run Postgres today.");
        assertThat(task.getMode()).isEqualTo("sequential");
        assertThat(task.getTimeoutMs()).isEqualTo(30_000L);
        assertThat(task.getSubmittedAt()).isEqualTo(submittedAt);
        assertThat(task.getAttributes()).isEqualTo(Map.of("team", "infra"));
    }

    @Test
    void leavesUnsetFieldsToTheOrchestrator() {
        Task task = TaskSpec.of("g").toTask(Instant.EPOCH);

        assertThat(task.getContext()).isNull();
        assertThat(task.getMode()).isNull();
        assertThat(task.getTimeoutMs()).isNull();
        assertThat(task.getAttributes()).isEmpty();
    }

    @Test
    void anAcceptableSpecHasNoViolation() {
        assertThat(TaskSpec.builder().goal("g").mode(" Parallel ").timeout(Duration.ofMillis(1)).build()
                .violation(RULES)).isEmpty();
    }

    @Test
    void violationsAreTheOrchestratorsOneLineReasons() {
        assertThat(TaskSpec.of("  ").violation(RULES)).contains("goal is empty");
        assertThat(TaskSpec.builder().id(" ").goal("g").build().violation(RULES)).contains("taskId is blank");
        assertThat(TaskSpec.builder().goal("g").mode("diagonal").build().violation(RULES))
                .contains("unknown mode 'diagonal' (expected parallel, sequential or adaptive)");
        assertThat(TaskSpec.builder().goal("g").timeout(Duration.ZERO).build().violation(RULES))
                .contains("timeoutMs must be positive, got 0");
        assertThat(TaskSpec.of("x".repeat(11)).violation(new TaskRules(10, 5)))
                .contains("goal has 11 characters, more than the limit of 10");
        assertThat(TaskSpec.builder().goal("g").context("123456").build().violation(new TaskRules(10, 5)))
                .contains("context has 6 characters, more than the limit of 5");
    }

    @Test
    void isImmutable() {
        TaskSpec spec = TaskSpec.builder().goal("g").attribute("a", "1").build();

        assertThatThrownBy(() -> spec.attributes().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> TaskSpec.builder().build()).hasMessageContaining("goal");
    }
}
