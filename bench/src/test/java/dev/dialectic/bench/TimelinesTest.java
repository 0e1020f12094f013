package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.tasks.Mode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimelinesTest {

    private static final long T = 1_700_000_000_000L;

    @Test
    void successesAreTimedAndFailuresAfterAFallbackAreCountedApart() {
        List<Submission> sent = List.of(submission("ok"), submission("fell-back"), submission("fell-back-failed"),
                submission("partial"), submission("no-ledger"), submission("missing"));
        Map<String, TaskLedger> ledgers = Map.of(
                "ok", ledger("ok", TaskStatus.SUCCEEDED, null),
                "fell-back", ledger("fell-back", TaskStatus.SUCCEEDED, Pipeline.ANTITHESIS),
                "fell-back-failed", ledger("fell-back-failed", TaskStatus.PARTIAL, Pipeline.ANTITHESIS),
                "partial", ledger("partial", TaskStatus.PARTIAL, null));

        Timelines timelines = Timelines.of(sent, Set.of("missing"), ledgers,
                id -> new Arrival(id, ResultStatus.SUCCEEDED, 3_000_000_000L, T + 3000));

        assertThat(timelines.timelines()).extracting(Timeline::taskId).containsExactly("ok", "fell-back");
        assertThat(timelines.timelines()).extracting(Timeline::fellBack).containsExactly(false, true);
        assertThat(timelines.failed()).as("fell-back-failed, partial, no-ledger").isEqualTo(3);
        assertThat(timelines.failedAfterFallback()).isEqualTo(1);
        assertThat(timelines.missing()).isEqualTo(1);
        assertThat(timelines.unsuccessful()).isEqualTo(4);
        assertThat(timelines.only(Timeline::fellBack).failedAfterFallback()).as("counts survive a filter").isEqualTo(1);
    }

    private static Submission submission(String id) {
        return new Submission(id, Mode.PARALLEL, 0, T);
    }

    private static TaskLedger ledger(String id, TaskStatus status, String fallbackStage) {
        return TaskLedger.newBuilder()
                .setTaskId(id)
                .setMode((fallbackStage == null ? Mode.PARALLEL : Mode.SEQUENTIAL).wireName())
                .setStatus(status)
                .setSubmittedAt(Instant.ofEpochMilli(T))
                .setAcceptedAt(Instant.ofEpochMilli(T + 5))
                .setFallbackStage(fallbackStage)
                .setStages(List.of(
                        stage(Pipeline.THESIS, 10, 40, 490, 495),
                        stage(Pipeline.ANTITHESIS, 500, 510, 1590, 1595),
                        stage(Pipeline.SYNTHESIS, 1600, 1630, 2950, 2955)))
                .build();
    }

    private static StageTiming stage(String name, long requested, long started, long finished, long recorded) {
        return StageTiming.newBuilder()
                .setStage(name)
                .setPersona(name)
                .setStatus(StageStatus.SUCCEEDED)
                .setAttempts(1)
                .setRequestedAt(Instant.ofEpochMilli(T + requested))
                .setStartedAt(Instant.ofEpochMilli(T + started))
                .setFinishedAt(Instant.ofEpochMilli(T + finished))
                .setRecordedAt(Instant.ofEpochMilli(T + recorded))
                .build();
    }
}
