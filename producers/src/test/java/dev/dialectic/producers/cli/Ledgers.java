package dev.dialectic.producers.cli;

import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** Ledgers for tests, with times given in milliseconds after submission. Every enum is set explicitly. */
final class Ledgers {

    static final Instant SUBMITTED = Instant.parse("2026-03-01T10:00:00Z");

    private Ledgers() {}

    /** A finished stage: requested, started, first token, finished, recorded (ms after submission). */
    static StageTiming stage(String name, long requested, long started, long firstToken, long finished, long recorded) {
        return StageTiming.newBuilder()
                .setStage(name).setPersona(name).setStatus(StageStatus.SUCCEEDED).setAttempts(1)
                .setRequestedAt(at(requested)).setStartedAt(at(started)).setFirstTokenAt(at(firstToken))
                .setFinishedAt(at(finished)).setRecordedAt(at(recorded))
                .setInputTokens(100).setOutputTokens(400).setModel("sim").setWorkerId("w-1").setCacheHit(false)
                .setError(null)
                .build();
    }

    /** A stage that was requested and is still waiting for its result. */
    static StageTiming requested(String name, long requested) {
        return StageTiming.newBuilder().setStage(name).setPersona(name).setStatus(StageStatus.REQUESTED).setAttempts(1)
                .setRequestedAt(at(requested)).setCacheHit(false).build();
    }

    /** A stage that was never requested. */
    static StageTiming pending(String name) {
        return StageTiming.newBuilder().setStage(name).setPersona(name).setStatus(StageStatus.PENDING).setAttempts(0)
                .setCacheHit(false).build();
    }

    /** A ledger of a task accepted 50 ms after submission; {@code finished} < 0 means still running. */
    static TaskLedger ledger(String taskId, String mode, TaskStatus status, long finished, List<StageTiming> stages) {
        return TaskLedger.newBuilder()
                .setTaskId(taskId).setGoal("Should we adopt a four-day week?").setVariant("baseline").setMode(mode)
                .setStatus(status).setSubmittedAt(SUBMITTED).setAcceptedAt(at(50)).setDeadlineAt(at(300_000))
                .setFinishedAt(finished < 0 ? null : at(finished)).setReason(null)
                .setStages(new ArrayList<>(stages)).setTransitions(4).setAttributes(new HashMap<>())
                .build();
    }

    /** Thesis 4.5 s and antithesis 10.8 s side by side, then synthesis 4.4 s: ideal 15.2 s, actual 15.45 s. */
    static TaskLedger parallel(String taskId) {
        return ledger(taskId, "parallel", TaskStatus.SUCCEEDED, 15_450, List.of(
                stage("thesis", 60, 100, 400, 4_600, 4_650),
                stage("antithesis", 60, 120, 520, 10_920, 10_950),
                stage("synthesis", 10_950, 11_000, 11_200, 15_400, 15_450)));
    }

    /**
     * The same stage durations one after the other, the antithesis waiting 1 s for a worker: ideal still
     * 15.2 s, actual 21 s.
     */
    static TaskLedger sequential(String taskId) {
        return ledger(taskId, "sequential", TaskStatus.SUCCEEDED, 21_000, List.of(
                stage("thesis", 60, 100, 400, 4_600, 4_650),
                stage("antithesis", 4_650, 5_650, 5_950, 16_450, 16_500),
                stage("synthesis", 16_500, 16_550, 16_750, 20_950, 21_000)));
    }

    static Instant at(long millisAfterSubmission) {
        return SUBMITTED.plusMillis(millisAfterSubmission);
    }
}
