package dev.dialectic.metrics;

import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline's meters, derived from the records the service reads anyway (ledger, results, persona results,
 * dlq, and the keys of tasks), so the orchestrator and the workers need no code for them: tasks accepted and
 * finished, end-to-end and per-stage latency, time to first token, model calls, retries, failures and tokens, dead
 * letters, stages asked again, and what the orchestrator drops without a record of its own (re-submitted tasks,
 * repeated and stale persona results, expired tasks).
 *
 * <p>Each record must be given to exactly one process of a deployment (the one whose orchestrator owns its
 * partition), so that the counters of several processes add up. Not thread-safe: one reader thread feeds it.
 */
public final class PipelineMeters {

    /** Latency buckets from 50 ms to 10 minutes: LLM stages take seconds to minutes. */
    private static final Duration MIN_LATENCY = Duration.ofMillis(50);
    private static final Duration MAX_LATENCY = Duration.ofMinutes(10);
    /** Tasks whose persona results are remembered for telling repeats from first answers. */
    private static final int REMEMBERED_TASKS = 10_000;

    private final MeterRegistry registry;
    private final Map<String, TaskSeen> seen = new LinkedHashMap<>(1_024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskSeen> eldest) {
            return size() > REMEMBERED_TASKS;
        }
    };

    /** What has been seen of one task: each stage's current attempt, and the stages already answered. */
    private static final class TaskSeen {
        final Map<String, Integer> attempts = new HashMap<>();
        final Set<String> answered = new HashSet<>();
        boolean submitted;
        boolean accepted;
        boolean finished;
    }

    public PipelineMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A ledger record: acceptance, and at the end the per-stage latencies and whether the deadline ended it. */
    public void ledger(TaskLedger ledger) {
        TaskSeen task = seen.computeIfAbsent(ledger.getTaskId(), id -> new TaskSeen());
        for (StageTiming stage : ledger.getStages()) {
            task.attempts.merge(stage.getStage(), stage.getAttempts(), Math::max);
        }
        if (!task.accepted && ledger.getTransitions() <= 1) {
            task.accepted = true;
            Counter.builder("dialectic.tasks.accepted").description("Tasks the orchestrator accepted")
                    .tag("mode", ledger.getMode()).tag("variant", ledger.getVariant())
                    .register(registry).increment();
        }
        if (task.finished || !terminal(ledger.getStatus())) {
            return;
        }
        task.finished = true;
        for (StageTiming stage : ledger.getStages()) {
            if (!stage.getReRequests().isEmpty()) {
                Counter.builder("dialectic.stage.rerequests")
                        .description("Stage attempts the orchestrator issued because an earlier one went unanswered")
                        .tag("stage", stage.getStage()).tag("persona", stage.getPersona())
                        .register(registry).increment(stage.getReRequests().size());
            }
            if (stage.getRequestedAt() != null && stage.getFinishedAt() != null) {
                latency("dialectic.stage.latency", "From a stage's request to the end of its model call")
                        .tag("stage", stage.getStage()).tag("persona", stage.getPersona())
                        .tag("status", stage.getStatus().name())
                        .register(registry).record(between(stage.getRequestedAt(), stage.getFinishedAt()));
            }
        }
        if (ledger.getDeadlineAt() != null && ledger.getFinishedAt() != null
                && !ledger.getFinishedAt().isBefore(ledger.getDeadlineAt())
                && ledger.getStages().stream().anyMatch(s -> s.getStatus() == StageStatus.FAILED)) {
            Counter.builder("dialectic.tasks.expired").description("Tasks ended by their deadline")
                    .tag("mode", ledger.getMode()).tag("variant", ledger.getVariant())
                    .register(registry).increment();
        }
    }

    /** A task's final result: finished tasks and end-to-end latency by status, mode and variant. */
    public void result(SynthesisResult result) {
        Counter.builder("dialectic.tasks.finished").description("Tasks that ended, by outcome")
                .tag("status", result.getStatus().name()).tag("mode", result.getMode())
                .tag("variant", result.getVariant())
                .register(registry).increment();
        latency("dialectic.task.latency", "From submission to the task's result")
                .tag("status", result.getStatus().name()).tag("mode", result.getMode())
                .tag("variant", result.getVariant())
                .register(registry).record(between(result.getSubmittedAt(), result.getFinishedAt()));
    }

    /**
     * A worker's answer: model calls, retries, failures, tokens and time to first token by persona and model (or a
     * request no worker served); and whether the orchestrator will ignore it as a repeat (at-least-once delivery, or
     * a late answer of a stage already answered) or as stale (a failure of a superseded attempt).
     */
    public void personaResult(PersonaResult result) {
        String persona = result.getPersona();
        TaskSeen task = seen.computeIfAbsent(result.getTaskId(), id -> new TaskSeen());
        if (result.getUnserved()) {
            // No worker served it: no model call was made; the orchestrator asks again.
            Counter.builder("dialectic.requests.unserved")
                    .description("Persona requests no worker served (archived by the share group)")
                    .tag("persona", persona).register(registry).increment();
            return;
        }
        String model = result.getModel();
        int calls = Math.max(1, result.getCallAttempts());
        Counter.builder("dialectic.model.calls").description("Model calls made, retries included")
                .tag("persona", persona).tag("model", model).register(registry).increment(calls);
        if (calls > 1) {
            Counter.builder("dialectic.model.retries").description("Model calls that were retries")
                    .tag("persona", persona).tag("model", model).register(registry).increment(calls - 1);
        }
        boolean succeeded = result.getStatus() == ResultStatus.SUCCEEDED && result.getText() != null;
        if (!succeeded) {
            Counter.builder("dialectic.model.failures").description("Persona requests that failed after retries")
                    .tag("persona", persona).tag("model", model).register(registry).increment();
        }
        tokens(persona, model, "input", result.getInputTokens());
        tokens(persona, model, "output", result.getOutputTokens());
        if (result.getFirstTokenAt() != null) {
            latency("dialectic.model.ttft", "From the start of a model call to its first token")
                    .tag("persona", persona).tag("model", model)
                    .register(registry).record(between(result.getStartedAt(), result.getFirstTokenAt()));
        }
        // The orchestrator's rule: the first answer of any attempt ends the stage, except a failure of an attempt
        // that was superseded (the newer attempt may still succeed); whatever comes after is ignored.
        String ignored = null;
        if (task.answered.contains(result.getStage())) {
            ignored = "duplicate";
        } else if (!succeeded && result.getAttempt() < task.attempts.getOrDefault(result.getStage(), 0)) {
            ignored = "stale";
        } else {
            task.answered.add(result.getStage());
        }
        if (ignored != null) {
            Counter.builder("dialectic.results.ignored")
                    .description("Persona results the orchestrator ignores: repeated or late answers of a stage already"
                            + " answered, and failures of superseded attempts")
                    .tag("reason", ignored).tag("persona", persona).register(registry).increment();
        }
    }

    /**
     * A task record on {@code tasks}: one whose id was submitted before is a re-submission the orchestrator
     * ignores (while it remembers the id).
     */
    public void submitted(String taskId) {
        TaskSeen task = seen.computeIfAbsent(taskId, id -> new TaskSeen());
        if (task.submitted) {
            Counter.builder("dialectic.tasks.resubmitted")
                    .description("Task records whose id was submitted before; the orchestrator ignores them")
                    .register(registry).increment();
        }
        task.submitted = true;
    }

    /** A dead letter, by the component that rejected it. */
    public void deadLetter(String component) {
        Counter.builder("dialectic.dlq.records").description("Records rejected to the dlq")
                .tag("component", component).register(registry).increment();
    }

    private void tokens(String persona, String model, String direction, int count) {
        if (count > 0) {
            Counter.builder("dialectic.model.tokens").description("Tokens consumed (input) and produced (output)")
                    .tag("persona", persona).tag("model", model).tag("direction", direction)
                    .register(registry).increment(count);
        }
    }

    private static Timer.Builder latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(MIN_LATENCY).maximumExpectedValue(MAX_LATENCY);
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null || to.isBefore(from) ? Duration.ZERO : Duration.between(from, to);
    }

    private static boolean terminal(TaskStatus status) {
        return status == TaskStatus.SUCCEEDED || status == TaskStatus.PARTIAL || status == TaskStatus.FAILED;
    }
}
