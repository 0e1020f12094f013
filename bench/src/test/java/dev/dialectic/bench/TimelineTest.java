package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static final long T = 1_700_000_000_000L;
    private static final Map<String, Double> DURATIONS = Map.of(
            Pipeline.THESIS, 450.0, Pipeline.ANTITHESIS, 1080.0, Pipeline.SYNTHESIS, 1420.0);

    @Test
    void theCriticalPathOfAParallelTaskIsTheLongerOfThesisAndAntithesisPlusSynthesis() {
        assertThat(Timeline.criticalPath(Pipeline.dialectic(Mode.PARALLEL), DURATIONS)).isEqualTo(1080 + 1420);
    }

    @Test
    void theCriticalPathOfASequentialTaskIsTheSumOfItsStages() {
        assertThat(Timeline.criticalPath(Pipeline.dialectic(Mode.SEQUENTIAL), DURATIONS)).isEqualTo(450 + 1080 + 1420);
    }

    @Test
    void overheadIsEndToEndMinusTheTasksOwnCriticalPathAndEachHopIsTimed() {
        TaskLedger ledger = ledger(TaskStatus.SUCCEEDED, everyStageTimed());

        Timeline timeline = Timeline.of(submission(), arrivalAt(2620), ledger).orElseThrow();

        assertThat(timeline.endToEndMs()).isCloseTo(2620, within(1e-6));
        assertThat(timeline.idealMs()).isEqualTo(1080 + 1420);
        assertThat(timeline.overheadMs()).isCloseTo(120, within(1e-6));
        assertThat(timeline.ratio()).isCloseTo(2620.0 / 2500, within(1e-9));
        assertThat(timeline.sumOfStagesMs()).isEqualTo(450 + 1080 + 1420);
        assertThat(timeline.acceptMs()).isEqualTo(5);
        assertThat(timeline.queueMs()).containsEntry(Pipeline.THESIS, 30.0).containsEntry(Pipeline.ANTITHESIS, 35.0)
                .containsEntry(Pipeline.SYNTHESIS, 30.0);
        assertThat(timeline.recordMs()).containsEntry(Pipeline.SYNTHESIS, 5.0);
        assertThat(timeline.resultMs()).isEqualTo(30);
    }

    @Test
    void aTaskThatDidNotSucceedIsCountedNotTimed() {
        TaskLedger ledger = ledger(TaskStatus.PARTIAL, everyStageTimed());

        assertThat(Timeline.of(submission(), arrivalAt(2620), ledger)).isEmpty();
    }

    @Test
    void aLedgerWithoutEveryStagesTimesIsNotTimed() {
        TaskLedger ledger = ledger(TaskStatus.SUCCEEDED, List.of(
                stage(Pipeline.THESIS, 10, 40, 490, 495),
                stage(Pipeline.SYNTHESIS, 1135, 1165, 2585, 2590)));

        assertThat(Timeline.of(submission(), arrivalAt(2620), ledger)).isEmpty();
    }

    @Test
    void aTaskThatFellBackIsTimedAsTheChainItRanWithTheWaitOfItsReRun() {
        // The antithesis failed at 700 ms, after the thesis was recorded at 495 ms: its re-run was requested at
        // 705 ms, ran 1,080 ms, and the synthesis followed.
        TaskLedger ledger = ledger(TaskStatus.SUCCEEDED, List.of(
                stage(Pipeline.THESIS, 10, 40, 490, 495),
                stage(Pipeline.ANTITHESIS, 705, 715, 1795, 1800),
                stage(Pipeline.SYNTHESIS, 1805, 1835, 3255, 3260)));
        ledger.setMode(Mode.SEQUENTIAL.wireName());
        ledger.setRequestedMode(Mode.PARALLEL.wireName());
        ledger.setFallbackStage(Pipeline.ANTITHESIS);

        Timeline timeline = Timeline.of(submission(Mode.PARALLEL), arrivalAt(3290), ledger).orElseThrow();

        assertThat(timeline.fellBack()).isTrue();
        assertThat(timeline.mode()).isEqualTo(Mode.SEQUENTIAL);
        assertThat(timeline.requested()).isEqualTo(Mode.PARALLEL);
        assertThat(timeline.idealMs()).as("the chain of the stages' own durations").isEqualTo(450 + 1080 + 1420);
        assertThat(timeline.rerunWaitMs()).as("re-run requested 210 ms after the thesis was recorded").isEqualTo(210);
    }

    @Test
    void aReRunRequestedAsSoonAsItsPredecessorWasRecordedWaitedForNothing() {
        // The antithesis failed before the thesis answered: the re-run was requested when the thesis was recorded.
        TaskLedger ledger = ledger(TaskStatus.SUCCEEDED, List.of(
                stage(Pipeline.THESIS, 10, 40, 490, 495),
                stage(Pipeline.ANTITHESIS, 495, 505, 1585, 1590),
                stage(Pipeline.SYNTHESIS, 1595, 1625, 3045, 3050)));
        ledger.setMode(Mode.SEQUENTIAL.wireName());
        ledger.setFallbackStage(Pipeline.ANTITHESIS);

        assertThat(Timeline.of(submission(Mode.PARALLEL), arrivalAt(3080), ledger).orElseThrow().rerunWaitMs())
                .isZero();
    }

    @Test
    void anAdaptiveTaskKeepsTheModeItAskedForNextToTheModeItRanIn() {
        TaskLedger ledger = ledger(TaskStatus.SUCCEEDED, everyStageTimed());
        ledger.setRequestedMode(Mode.ADAPTIVE.wireName());

        Timeline timeline = Timeline.of(submission(Mode.ADAPTIVE), arrivalAt(2620), ledger).orElseThrow();

        assertThat(timeline.requested()).isEqualTo(Mode.ADAPTIVE);
        assertThat(timeline.mode()).isEqualTo(Mode.PARALLEL);
        assertThat(timeline.fellBack()).isFalse();
        assertThat(timeline.rerunWaitMs()).isZero();
        assertThat(timeline.idealMs()).isEqualTo(1080 + 1420);
    }

    /** Thesis 450 ms and antithesis 1,080 ms side by side, then synthesis 1,420 ms; each hop a few ms. */
    private static List<StageTiming> everyStageTimed() {
        return List.of(
                stage(Pipeline.THESIS, 10, 40, 490, 495),
                stage(Pipeline.ANTITHESIS, 10, 45, 1125, 1130),
                stage(Pipeline.SYNTHESIS, 1135, 1165, 2585, 2590));
    }

    private static Submission submission() {
        return submission(Mode.PARALLEL);
    }

    private static Submission submission(Mode requested) {
        return new Submission("task-1", requested, 0, T);
    }

    private static Arrival arrivalAt(long afterSubmitMs) {
        return new Arrival("task-1", ResultStatus.SUCCEEDED, afterSubmitMs * 1_000_000, T + afterSubmitMs);
    }

    private static TaskLedger ledger(TaskStatus status, List<StageTiming> stages) {
        return TaskLedger.newBuilder()
                .setTaskId("task-1")
                .setMode(Mode.PARALLEL.wireName())
                .setStatus(status)
                .setSubmittedAt(Instant.ofEpochMilli(T))
                .setAcceptedAt(Instant.ofEpochMilli(T + 5))
                .setStages(stages)
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
