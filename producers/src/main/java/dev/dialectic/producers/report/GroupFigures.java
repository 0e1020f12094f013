package dev.dialectic.producers.report;

import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.tasks.VerdictLines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of one group of finished tasks (those whose ledger has {@code finishedAt}), from their ledgers
 * alone. Each is defined here once; every report format shows these.
 *
 * <ul>
 *   <li><b>total</b>: {@code finishedAt − submittedAt} of each task: what the submitter waited, queueing on
 *       {@code tasks} included (the producer's clock against the orchestrator's).
 *   <li><b>stage latency</b>, per stage name (in the order the stages first appear): {@code finishedAt −
 *       requestedAt} of each stage that SUCCEEDED: the wait for a worker plus the model call, as the metric
 *       {@code dialectic_stage_latency_seconds}. After a second pass or a re-request, {@code requestedAt} is
 *       that of the last attempt. The quality gate's judge is a stage like the others.
 *   <li><b>time to first token</b>: the earliest {@code firstTokenAt} of the task's stages {@code −
 *       submittedAt}: when the first text of the task could be seen; tasks without any token are left out.
 *   <li><b>success rate</b>: tasks that ended SUCCEEDED / tasks.
 *   <li><b>fallback rate</b>: tasks with a {@code fallbackStage} (fell back from parallel to sequential) / tasks.
 *   <li><b>gate pass rate</b>: judged tasks (with at least one verdict) whose last verdict passed / judged tasks.
 *   <li><b>second-pass rate</b>: judged tasks with more than one verdict (the final stage ran again) / judged
 *       tasks.
 *   <li><b>cache hit rate</b>: stages answered from the response cache ({@code cacheHit}) / stages that ended
 *       (SUCCEEDED or FAILED).
 * </ul>
 *
 * @param name the group (a variant, a mode)
 * @param tasks finished tasks in the group
 * @param succeeded of which ended SUCCEEDED
 * @param partial of which ended PARTIAL
 * @param failed of which ended FAILED
 * @param total total latency of every task
 * @param stages stage latency by stage name
 * @param timeToFirstToken time to first token of every task that produced one
 * @param success succeeded / tasks
 * @param fallback tasks that fell back / tasks
 * @param gatePass judged tasks that passed / judged tasks
 * @param secondPass judged tasks with a second pass / judged tasks
 * @param cacheHit stages from the cache / stages that ended
 */
public record GroupFigures(
        String name, int tasks, int succeeded, int partial, int failed, Latencies total,
        Map<String, Latencies> stages, Latencies timeToFirstToken, Rate success, Rate fallback, Rate gatePass,
        Rate secondPass, Rate cacheHit) {

    public GroupFigures {
        Objects.requireNonNull(name, "name");
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /**
     * The figures of {@code ledgers}, which must all be finished.
     *
     * @throws IllegalArgumentException if a ledger has no {@code finishedAt}
     */
    public static GroupFigures of(String name, Collection<TaskLedger> ledgers) {
        int succeeded = 0;
        int partial = 0;
        int failed = 0;
        int fellBack = 0;
        int judged = 0;
        int passed = 0;
        int secondPass = 0;
        int stagesEnded = 0;
        int cacheHits = 0;
        List<Double> totals = new ArrayList<>();
        List<Double> firstTokens = new ArrayList<>();
        Map<String, List<Double>> stageLatencies = new LinkedHashMap<>();
        for (TaskLedger ledger : ledgers) {
            if (ledger.getFinishedAt() == null) {
                throw new IllegalArgumentException("task " + ledger.getTaskId() + " has not finished");
            }
            if (ledger.getStatus() == TaskStatus.SUCCEEDED) {
                succeeded++;
            } else if (ledger.getStatus() == TaskStatus.PARTIAL) {
                partial++;
            } else if (ledger.getStatus() == TaskStatus.FAILED) {
                failed++;
            }
            if (ledger.getFallbackStage() != null) {
                fellBack++;
            }
            List<String> verdicts = ledger.getVerdicts();
            if (!verdicts.isEmpty()) {
                judged++;
                passed += VerdictLines.passed(verdicts.getLast()) ? 1 : 0;
                secondPass += verdicts.size() > 1 ? 1 : 0;
            }
            totals.add(seconds(ledger.getSubmittedAt(), ledger.getFinishedAt()));
            Instant firstToken = null;
            for (StageTiming stage : ledger.getStages()) {
                if (stage.getStatus() == StageStatus.SUCCEEDED || stage.getStatus() == StageStatus.FAILED) {
                    stagesEnded++;
                    cacheHits += stage.getCacheHit() ? 1 : 0;
                }
                if (stage.getStatus() == StageStatus.SUCCEEDED && stage.getRequestedAt() != null
                        && stage.getFinishedAt() != null) {
                    stageLatencies.computeIfAbsent(stage.getStage(), s -> new ArrayList<>())
                            .add(seconds(stage.getRequestedAt(), stage.getFinishedAt()));
                }
                if (stage.getFirstTokenAt() != null
                        && (firstToken == null || stage.getFirstTokenAt().isBefore(firstToken))) {
                    firstToken = stage.getFirstTokenAt();
                }
            }
            if (firstToken != null) {
                firstTokens.add(seconds(ledger.getSubmittedAt(), firstToken));
            }
        }
        Map<String, Latencies> stages = new LinkedHashMap<>();
        stageLatencies.forEach((stage, values) -> stages.put(stage, latencies(values)));
        int tasks = ledgers.size();
        return new GroupFigures(name, tasks, succeeded, partial, failed, latencies(totals), stages,
                latencies(firstTokens), new Rate(succeeded, tasks), new Rate(fellBack, tasks), new Rate(passed, judged),
                new Rate(secondPass, judged), new Rate(cacheHits, stagesEnded));
    }

    /** The latency of a stage of this group; empty if no such stage succeeded. */
    public Latencies stage(String stage) {
        return stages.getOrDefault(stage, Latencies.empty());
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private static Latencies latencies(List<Double> values) {
        return Latencies.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
