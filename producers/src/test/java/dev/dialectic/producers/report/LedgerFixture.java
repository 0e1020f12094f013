package dev.dialectic.producers.report;

import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Ledgers for report tests, with times in milliseconds after the task's submission. Every enum is set
 * explicitly (a builder filling an enum default would need Avro's JVM-wide class trust).
 */
final class LedgerFixture {

    static final Instant T0 = Instant.parse("2026-12-01T04:00:00Z");

    private final TaskLedger.Builder ledger;
    private final Instant submitted;
    private final List<StageTiming> stages = new ArrayList<>();

    private LedgerFixture(String taskId, Instant submitted) {
        this.submitted = submitted;
        this.ledger = TaskLedger.newBuilder().setTaskId(taskId).setGoal("goal of " + taskId).setVariant("baseline")
                .setMode("parallel").setStatus(TaskStatus.RUNNING).setSubmittedAt(submitted)
                .setAcceptedAt(submitted.plusMillis(20)).setDeadlineAt(submitted.plusSeconds(300)).setFinishedAt(null)
                .setTransitions(5).setAttributes(new HashMap<>()).setVerdicts(new ArrayList<>());
    }

    /** A task submitted {@code minutesAfterT0} minutes after {@link #T0}. */
    static LedgerFixture task(String taskId, long minutesAfterT0) {
        return new LedgerFixture(taskId, T0.plusSeconds(60 * minutesAfterT0));
    }

    LedgerFixture variant(String variant) {
        ledger.setVariant(variant);
        return this;
    }

    LedgerFixture mode(String mode) {
        ledger.setMode(mode);
        return this;
    }

    /** Ends the task with {@code status}, {@code millis} after its submission. */
    LedgerFixture finished(TaskStatus status, long millis) {
        ledger.setStatus(status).setFinishedAt(at(millis));
        return this;
    }

    LedgerFixture fellBackAt(String stage) {
        ledger.setFallbackStage(stage).setFallbackReason("failed").setFellBackAt(submitted.plusMillis(1));
        return this;
    }

    LedgerFixture verdicts(String... verdicts) {
        ledger.setVerdicts(new ArrayList<>(List.of(verdicts)));
        return this;
    }

    /** A stage that answered: requested, first token, finished (ms after submission). */
    LedgerFixture stage(String name, long requested, long firstToken, long finished) {
        return stage(name, StageStatus.SUCCEEDED, requested, firstToken, finished, false);
    }

    /** A stage answered from the cache. */
    LedgerFixture cachedStage(String name, long requested, long firstToken, long finished) {
        return stage(name, StageStatus.SUCCEEDED, requested, firstToken, finished, true);
    }

    /** A stage whose call failed, without a token. */
    LedgerFixture failedStage(String name, long requested, long finished) {
        return stage(name, StageStatus.FAILED, requested, -1, finished, false);
    }

    /** A stage that never ran. */
    LedgerFixture skippedStage(String name) {
        stages.add(StageTiming.newBuilder().setStage(name).setPersona(name).setStatus(StageStatus.SKIPPED)
                .setAttempts(0).setCacheHit(false).build());
        return this;
    }

    TaskLedger build() {
        return ledger.setStages(new ArrayList<>(stages)).build();
    }

    private LedgerFixture stage(String name, StageStatus status, long requested, long firstToken, long finished,
            boolean cacheHit) {
        stages.add(StageTiming.newBuilder().setStage(name).setPersona(name).setStatus(status).setAttempts(1)
                .setRequestedAt(at(requested)).setStartedAt(at(requested + 10))
                .setFirstTokenAt(firstToken < 0 ? null : at(firstToken)).setFinishedAt(at(finished))
                .setRecordedAt(at(finished + 20)).setCacheHit(cacheHit).setError(null).build());
        return this;
    }

    private Instant at(long millis) {
        return submitted.plusMillis(millis);
    }

    /**
     * Five finished tasks in two variants, one running, and one submitted an hour before {@link #T0}:
     *
     * <pre>
     * task  variant   mode        status     total  thesis antithesis synthesis  first token  verdicts
     * b1    baseline  parallel    SUCCEEDED  10 s   4.0    6.0        3.7        0.3          passed
     * b2    baseline  parallel    SUCCEEDED  14 s   5.0    7.0        6.0        0.5          failed, passed
     * b3    baseline  sequential  PARTIAL    12 s   6.0*   (failed)   (skipped)  0.7          -   (fell back)
     * b4    baseline  parallel    RUNNING
     * c1    canary    parallel    SUCCEEDED   8 s   3.0    4.0        3.5        0.2          passed
     * c2    canary    sequential  SUCCEEDED   9 s   3.5    4.5        3.9        0.3          failed, failed
     * o1    canary    parallel    SUCCEEDED 100 s   (submitted at T0 − 1 h)
     * </pre>
     *
     * (*) from the cache.
     */
    static List<TaskLedger> sample() {
        return List.of(
                task("b1", 1).mode("parallel").finished(TaskStatus.SUCCEEDED, 10_000)
                        .stage("thesis", 100, 400, 4_100).stage("antithesis", 100, 300, 6_100)
                        .stage("synthesis", 6_200, 6_500, 9_900).verdicts("pass 1 passed by rules").build(),
                task("b2", 2).mode("parallel").finished(TaskStatus.SUCCEEDED, 14_000)
                        .stage("thesis", 100, 600, 5_100).stage("antithesis", 100, 500, 7_100)
                        .stage("synthesis", 7_200, 7_500, 13_200)
                        .verdicts("pass 1 failed by rules: too short", "pass 2 passed by rules").build(),
                task("b3", 3).mode("sequential").finished(TaskStatus.PARTIAL, 12_000).fellBackAt("antithesis")
                        .cachedStage("thesis", 100, 700, 6_100).failedStage("antithesis", 100, 2_100)
                        .skippedStage("synthesis").build(),
                task("b4", 4).mode("parallel").stage("thesis", 100, 300, 4_000).build(),
                task("c1", 5).variant("canary").mode("parallel").finished(TaskStatus.SUCCEEDED, 8_000)
                        .stage("thesis", 100, 200, 3_100).stage("antithesis", 100, 250, 4_100)
                        .stage("synthesis", 4_200, 4_400, 7_700).verdicts("pass 1 passed by judge").build(),
                task("c2", 6).variant("canary").mode("sequential").finished(TaskStatus.SUCCEEDED, 9_000)
                        .stage("thesis", 100, 300, 3_600).stage("antithesis", 100, 350, 4_600)
                        .stage("synthesis", 4_700, 4_900, 8_600)
                        .verdicts("pass 1 failed by judge: vague", "pass 2 failed by judge: still vague").build(),
                task("o1", -60).variant("canary").mode("parallel").finished(TaskStatus.SUCCEEDED, 100_000)
                        .stage("thesis", 100, 200, 30_000).stage("antithesis", 100, 200, 40_000)
                        .stage("synthesis", 40_100, 40_200, 99_000).build());
    }
}
