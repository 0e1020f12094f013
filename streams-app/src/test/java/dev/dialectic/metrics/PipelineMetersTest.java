package dev.dialectic.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PipelineMetersTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PipelineMeters meters = new PipelineMeters(registry);

    @Test
    void aTaskIsAcceptedOnceAndItsStagesAreTimedWhenItEnds() {
        meters.ledger(ledger(1, TaskStatus.RUNNING, stage("thesis", StageStatus.REQUESTED, 1, 0, null)));
        meters.ledger(ledger(2, TaskStatus.RUNNING, stage("thesis", StageStatus.SUCCEEDED, 1, 0, 1_500L)));
        meters.ledger(ledger(3, TaskStatus.SUCCEEDED, stage("thesis", StageStatus.SUCCEEDED, 1, 0, 1_500L)));
        meters.ledger(ledger(3, TaskStatus.SUCCEEDED, stage("thesis", StageStatus.SUCCEEDED, 1, 0, 1_500L)));

        assertThat(registry.get("dialectic.tasks.accepted").tag("mode", "parallel").counter().count()).isEqualTo(1);
        assertThat(registry.get("dialectic.stage.latency").tag("stage", "thesis").timer().count()).isEqualTo(1);
        assertThat(registry.get("dialectic.stage.latency").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1_500);
        assertThat(registry.find("dialectic.tasks.expired").counter()).isNull();
    }

    @Test
    void aTaskEndedAtItsDeadlineCountsAsExpired() {
        TaskLedger ledger = ledger(2, TaskStatus.FAILED, stage("thesis", StageStatus.FAILED, 1, 0, null));
        ledger.setDeadlineAt(T0.plusSeconds(10));
        ledger.setFinishedAt(T0.plusSeconds(10));
        meters.ledger(ledger);
        assertThat(registry.get("dialectic.tasks.expired").counter().count()).isEqualTo(1);
    }

    @Test
    void resultsCountFinishedTasksAndEndToEndLatency() {
        meters.result(SynthesisResult.newBuilder().setTaskId("t").setStatus(ResultStatus.PARTIAL).setMode("parallel")
                .setVariant("baseline").setSubmittedAt(T0).setFinishedAt(T0.plusMillis(2_500)).build());
        assertThat(registry.get("dialectic.tasks.finished").tag("status", "PARTIAL").counter().count()).isEqualTo(1);
        assertThat(registry.get("dialectic.task.latency").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2_500);
    }

    @Test
    void personaResultsCountCallsRetriesFailuresTokensAndWhatTheOrchestratorIgnores() {
        meters.ledger(ledger(1, TaskStatus.RUNNING, stage("thesis", StageStatus.REQUESTED, 2, 0, null)));
        meters.personaResult(result(1, 1, ResultStatus.FAILED)); // a failure of the superseded attempt
        meters.personaResult(result(2, 3, ResultStatus.SUCCEEDED)); // the answer
        meters.personaResult(result(2, 1, ResultStatus.SUCCEEDED)); // delivered twice

        assertThat(registry.get("dialectic.model.calls").tag("persona", "thesis").counter().count()).isEqualTo(5);
        assertThat(registry.get("dialectic.model.retries").counter().count()).isEqualTo(2);
        assertThat(registry.get("dialectic.model.failures").counter().count()).isEqualTo(1);
        assertThat(registry.get("dialectic.model.tokens").tag("direction", "output").counter().count()).isEqualTo(90);
        assertThat(registry.get("dialectic.model.ttft").timer().count()).isEqualTo(3);
        assertThat(registry.get("dialectic.results.ignored").tag("reason", "duplicate").counter().count()).isEqualTo(1);
        assertThat(registry.get("dialectic.results.ignored").tag("reason", "stale").counter().count()).isEqualTo(1);
    }

    @Test
    void anUnservedRequestIsNoModelCallAndReRequestsAreCountedWhenTheTaskEnds() {
        PersonaResult unserved = result(1, 1, ResultStatus.FAILED);
        unserved.setUnserved(true);
        meters.personaResult(unserved);
        assertThat(registry.find("dialectic.model.calls").counter()).isNull();
        assertThat(registry.get("dialectic.requests.unserved").tag("persona", "thesis").counter().count()).isEqualTo(1);

        StageTiming thesis = stage("thesis", StageStatus.SUCCEEDED, 3, 0, 900L);
        thesis.setReRequests(List.of("never served", "no answer"));
        meters.ledger(ledger(5, TaskStatus.SUCCEEDED, thesis));
        assertThat(registry.get("dialectic.stage.rerequests").tag("stage", "thesis").counter().count()).isEqualTo(2);
    }

    @Test
    void aTaskIdSubmittedAgainCountsAsAResubmission() {
        meters.submitted("a");
        meters.submitted("b");
        assertThat(registry.find("dialectic.tasks.resubmitted").counter()).isNull();
        meters.submitted("a");
        assertThat(registry.get("dialectic.tasks.resubmitted").counter().count()).isEqualTo(1);
    }

    @Test
    void deadLettersAreCountedByComponent() {
        meters.deadLetter("orchestrator");
        meters.deadLetter("worker");
        meters.deadLetter("orchestrator");
        assertThat(registry.get("dialectic.dlq.records").tag("component", "orchestrator").counter().count())
                .isEqualTo(2);
    }

    private static TaskLedger ledger(int transitions, TaskStatus status, StageTiming stage) {
        return TaskLedger.newBuilder().setTaskId("t").setGoal("g").setStatus(status).setSubmittedAt(T0)
                .setAcceptedAt(T0).setStages(List.of(stage)).setTransitions(transitions).setAttributes(Map.of())
                .build();
    }

    private static StageTiming stage(String name, StageStatus status, int attempts, long requested, Long finished) {
        return StageTiming.newBuilder().setStage(name).setPersona(name).setStatus(status).setAttempts(attempts)
                .setRequestedAt(T0.plusMillis(requested))
                .setFinishedAt(finished == null ? null : T0.plusMillis(finished))
                .build();
    }

    private static PersonaResult result(int attempt, int calls, ResultStatus status) {
        return PersonaResult.newBuilder().setTaskId("t").setStage("thesis").setPersona("thesis").setAttempt(attempt)
                .setStatus(status).setText(status == ResultStatus.SUCCEEDED ? "answer" : null).setModel("m").setStartedAt(T0).setFirstTokenAt(T0.plusMillis(100))
                .setFinishedAt(T0.plusSeconds(1)).setInputTokens(10).setOutputTokens(30).setCallAttempts(calls)
                .build();
    }
}
