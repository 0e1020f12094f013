package dev.dialectic.producers;

import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Results and ledgers as the orchestrator writes them, for tests; every enum set explicitly. */
public final class Records {

    private Records() {}

    public static SynthesisResult result(String taskId, ResultStatus status, String text, String reason) {
        Instant now = Instant.now();
        return SynthesisResult.newBuilder().setTaskId(taskId).setStatus(status).setText(text).setReason(reason)
                .setGoal("goal of " + taskId).setMode("parallel").setVariant("baseline")
                .setOutputs(text == null ? new HashMap<>() : new HashMap<>(Map.of("synthesis", text)))
                .setSubmittedAt(now.minusSeconds(1)).setFinishedAt(now).build();
    }

    /** The final ledger of {@code task} in parallel mode: thesis 200 ms and antithesis 300 ms, then synthesis 100 ms. */
    public static TaskLedger ledger(Task task, TaskStatus status, String reason, int transitions) {
        Instant accepted = task.getSubmittedAt().plusMillis(20);
        List<StageTiming> stages = new ArrayList<>(List.of(
                stage("thesis", accepted, 0, 200),
                stage("antithesis", accepted, 0, 300),
                stage("synthesis", accepted, 310, 100)));
        return TaskLedger.newBuilder().setTaskId(task.getTaskId()).setGoal(task.getGoal()).setVariant("baseline")
                .setMode(task.getMode() == null ? "parallel" : task.getMode()).setStatus(status)
                .setSubmittedAt(task.getSubmittedAt()).setAcceptedAt(accepted).setDeadlineAt(null)
                .setFinishedAt(accepted.plusMillis(420)).setReason(reason).setStages(stages)
                .setTransitions(transitions).setAttributes(new HashMap<>(task.getAttributes())).build();
    }

    private static StageTiming stage(String name, Instant accepted, long requestedAfter, long took) {
        Instant requested = accepted.plusMillis(requestedAfter);
        Instant started = requested.plusMillis(5);
        return StageTiming.newBuilder().setStage(name).setPersona(name).setStatus(StageStatus.SUCCEEDED)
                .setAttempts(1).setRequestedAt(requested).setStartedAt(started)
                .setFirstTokenAt(started.plusMillis(20)).setFinishedAt(started.plusMillis(took))
                .setRecordedAt(started.plusMillis(took + 2)).setInputTokens(50).setOutputTokens(120)
                .setModel("fake").setWorkerId("fake-1").setCacheHit(false).setError(null).build();
    }
}
