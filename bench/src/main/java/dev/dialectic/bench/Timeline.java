package dev.dialectic.bench;

import dev.dialectic.orchestrator.Pipeline;
import dev.dialectic.orchestrator.Stage;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.tasks.Mode;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One finished task's timings: the client's end-to-end latency, the ideal critical path computed from the
 * task's own stage durations in the ledger, and where the rest went, all in milliseconds.
 *
 * <p>The ideal is the longest path through the task's pipeline where each stage costs its own
 * {@code finishedAt − startedAt}: max(thesis, antithesis) + synthesis in parallel mode, the sum in sequential
 * mode. Everything beyond it is overhead: Kafka hops, queueing before a worker starts a call, commit intervals.
 * Ledger times are epoch milliseconds taken in this JVM (the service runs in-process), so they compare with the
 * client's clock directly.
 *
 * <p>A task that fell back from parallel to the sequential chain ran its failed stage again after that stage's
 * predecessor: its ledger says sequential, and its stage times are those of the run that answered, so its ideal is
 * the chain's (the failed attempt is not on it; {@code rerunWaitMs} says how long the re-run waited for it).
 *
 * @param taskId the task
 * @param mode the mode it ran in (sequential for a task that fell back)
 * @param requested the mode it asked for (adaptive, or parallel for a task that fell back)
 * @param fellBack whether it fell back from parallel to the sequential chain
 * @param rerunWaitMs for a task that fell back: the re-run's {@code requestedAt} minus the last
 *     {@code recordedAt} of its inputs, the time the re-run waited for the failure to be known once its
 *     predecessor had answered (0 when the failure came first); 0 otherwise
 * @param endToEndMs client wall clock from just before publishing to the result being visible
 * @param idealMs the critical path of the task's own stage durations
 * @param sumOfStagesMs the sum of its stage durations (the critical path of a sequential run)
 * @param durationMs each stage's {@code finishedAt − startedAt}, by stage name
 * @param acceptMs {@code acceptedAt − submittedAt}: producing the task, the orchestrator picking it up
 * @param queueMs each stage's {@code startedAt − requestedAt}: the request's commit, fetch and wait for a worker
 * @param recordMs each stage's {@code recordedAt − finishedAt}: producing the result, the orchestrator picking it up
 * @param resultMs last {@code recordedAt} → result visible: the final commit and the reader's fetch
 */
record Timeline(
        String taskId, Mode mode, Mode requested, boolean fellBack, double rerunWaitMs, double endToEndMs,
        double idealMs, double sumOfStagesMs,
        Map<String, Double> durationMs, double acceptMs, Map<String, Double> queueMs, Map<String, Double> recordMs,
        double resultMs) {

    Timeline {
        durationMs = Map.copyOf(durationMs);
        queueMs = Map.copyOf(queueMs);
        recordMs = Map.copyOf(recordMs);
    }

    /** End-to-end latency minus the ideal. */
    double overheadMs() {
        return endToEndMs - idealMs;
    }

    /** End-to-end latency over the ideal. */
    double ratio() {
        return endToEndMs / idealMs;
    }

    /**
     * The timeline of a task that succeeded and whose ledger has every stage's times; empty otherwise (failed
     * tasks are counted, not timed).
     */
    static Optional<Timeline> of(Submission submission, Arrival arrival, TaskLedger ledger) {
        if (ledger.getStatus() != TaskStatus.SUCCEEDED || ledger.getAcceptedAt() == null) {
            return Optional.empty();
        }
        Mode mode = Mode.parse(ledger.getMode()).orElse(submission.mode());
        Pipeline pipeline = Pipeline.dialectic(mode);
        Map<String, StageTiming> stages = new HashMap<>();
        ledger.getStages().forEach(stage -> stages.put(stage.getStage(), stage));
        Map<String, Double> durations = new LinkedHashMap<>();
        Map<String, Double> queue = new LinkedHashMap<>();
        Map<String, Double> record = new LinkedHashMap<>();
        for (Stage stage : pipeline.stages()) {
            StageTiming timing = stages.get(stage.name());
            if (timing == null || timing.getRequestedAt() == null || timing.getStartedAt() == null
                    || timing.getFinishedAt() == null || timing.getRecordedAt() == null) {
                return Optional.empty();
            }
            durations.put(stage.name(), between(timing.getStartedAt(), timing.getFinishedAt()));
            queue.put(stage.name(), between(timing.getRequestedAt(), timing.getStartedAt()));
            record.put(stage.name(), between(timing.getFinishedAt(), timing.getRecordedAt()));
        }
        double sum = durations.values().stream().mapToDouble(Double::doubleValue).sum();
        Instant lastRecorded = stages.get(pipeline.finalStage().name()).getRecordedAt();
        String fallbackStage = ledger.getFallbackStage();
        return Optional.of(new Timeline(
                submission.taskId(), mode, submission.mode(), fallbackStage != null,
                fallbackStage == null ? 0 : rerunWait(pipeline, stages, fallbackStage),
                (arrival.seenNanos() - submission.sentNanos()) / 1e6,
                criticalPath(pipeline, durations), sum, durations,
                between(ledger.getSubmittedAt(), ledger.getAcceptedAt()), queue, record,
                arrival.seenAtMillis() - lastRecorded.toEpochMilli()));
    }

    /** The longest path through {@code pipeline} when each stage takes {@code durations} of its name. */
    static double criticalPath(Pipeline pipeline, Map<String, Double> durations) {
        Map<String, Double> finish = new HashMap<>();
        for (Stage stage : pipeline.stages()) { // inputs come before the stages that need them
            double ready = stage.inputs().stream().mapToDouble(finish::get).max().orElse(0);
            finish.put(stage.name(), ready + durations.get(stage.name()));
        }
        return finish.get(pipeline.finalStage().name());
    }

    /** How long after the last of its inputs was recorded the re-run of {@code stage} was requested, at least 0. */
    private static double rerunWait(Pipeline pipeline, Map<String, StageTiming> stages, String stage) {
        OptionalLong inputsRecorded = pipeline.stage(stage).stream().flatMap(s -> s.inputs().stream())
                .mapToLong(input -> stages.get(input).getRecordedAt().toEpochMilli()).max();
        if (inputsRecorded.isEmpty()) {
            return 0; // the first stage of the chain runs again at once
        }
        return Math.max(0, stages.get(stage).getRequestedAt().toEpochMilli() - inputsRecorded.getAsLong());
    }

    private static double between(Instant from, Instant to) {
        return to.toEpochMilli() - from.toEpochMilli();
    }
}
