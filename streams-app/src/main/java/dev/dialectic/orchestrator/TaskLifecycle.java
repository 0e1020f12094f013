package dev.dialectic.orchestrator;

import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStore;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.orchestrator.policy.AdaptiveMode;
import dev.dialectic.orchestrator.policy.Complexity;
import dev.dialectic.orchestrator.policy.FallbackPolicy;
import dev.dialectic.orchestrator.policy.PersonaRouter;
import dev.dialectic.orchestrator.policy.QualityGate;
import dev.dialectic.orchestrator.policy.ReRequests;
import dev.dialectic.orchestrator.policy.Resonance;
import dev.dialectic.orchestrator.policy.ResonanceParser;
import dev.dialectic.orchestrator.policy.Verdict;
import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskState;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.PromptTemplate;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.spec.StageSpec;
import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The life of one task, as a pure function: (state, event, now) → {@link Transition}. No Kafka here: the
 * processor decodes the inputs, hands them over with the task's stored state, and carries out what comes back.
 *
 * <p>A task is accepted (validated, its mode chosen, its personas routed), requests every stage whose inputs are
 * present (the join works for any number of inputs), records answers de-duplicated by (stage, attempt), asks again
 * for stages left unanswered, falls back to the sequential chain when a parallel stage fails, has its final answer
 * judged by the quality gate (with further passes on a failed verdict), and ends with exactly one
 * {@link SynthesisResult}. Each decision that a spec configures is a small policy class consulted here.
 *
 * <p>A stage whose answer is in the response cache is answered from it instead of being requested, and the stages
 * that become ready then are looked up in turn: a task whose every answer is cached ends in the transition that
 * accepts it (the fast path). The lookup reads the cache as it is when the event is processed, so processing an
 * event again after an aborted transaction may decide differently; that is safe, because everything the aborted
 * transaction did (store, requests, result) is discarded with it, and a request of it that a worker answered
 * anyway is dropped as a duplicate, as any answer to a stage no longer requested is.
 *
 * <p>The state handed in is changed in place and handed back in the transition: states are decoded once per event
 * and copying them would cost as much again.
 */
final class TaskLifecycle {

    private final OrchestratorSettings settings;
    private final TaskValidator validator;
    private final Map<Mode, Pipeline> pipelines = new EnumMap<>(Mode.class);
    private final Map<String, StageSpec> stageSpecs = new LinkedHashMap<>();
    private final String finalStage;
    private final AdaptiveMode adaptive;
    private final FallbackPolicy fallback;
    private final QualityGate gate;
    private final ResonanceParser resonance;
    private final PersonaRouter router;
    private final ReRequests reRequests;
    private final CachePolicy cachePolicy;
    private final CacheStore cache;
    private final String variant;

    /** A lifecycle without the response cache. */
    TaskLifecycle(OrchestratorSettings settings, PipelineSpec spec) {
        this(settings, spec, CachePolicy.disabled(), CacheStore.NONE);
    }

    /** A lifecycle of baseline's tasks that answers stages from {@code cache} where {@code cachePolicy} allows. */
    TaskLifecycle(OrchestratorSettings settings, PipelineSpec spec, CachePolicy cachePolicy, CacheStore cache) {
        this(settings, spec, cachePolicy, cache, ControlSettings.BASELINE);
    }

    /**
     * The life of tasks that run release variant {@code variant}, whose pipeline is {@code spec}, answering stages
     * from {@code cache} where {@code cachePolicy} allows.
     */
    TaskLifecycle(OrchestratorSettings settings, PipelineSpec spec, CachePolicy cachePolicy, CacheStore cache,
            String variant) {
        this.cachePolicy = cachePolicy;
        this.cache = cache;
        this.settings = settings;
        this.variant = variant;
        this.validator = new TaskValidator(settings);
        pipelines.put(Mode.PARALLEL, Pipeline.of(spec, Mode.PARALLEL));
        pipelines.put(Mode.SEQUENTIAL, Pipeline.of(spec, Mode.SEQUENTIAL));
        spec.stages().forEach(stage -> stageSpecs.put(stage.name(), stage));
        this.finalStage = pipelines.get(Mode.PARALLEL).finalStage().name();
        this.adaptive = new AdaptiveMode(spec.policies().adaptive());
        this.fallback = new FallbackPolicy(spec.policies().fallback());
        this.gate = new QualityGate(spec.policies().gate());
        this.resonance = new ResonanceParser(spec);
        this.router = new PersonaRouter(resonance);
        this.reRequests = new ReRequests(settings.stageAttemptTimeout(), settings.stageMaxAttempts());
    }

    /**
     * A task read under record key {@code key}; {@code known} is the state stored under its id, if any. A task
     * that breaks a rule is rejected; a known id is ignored (re-submitting is idempotent: the first submission's
     * single result stands).
     */
    Transition onTask(String key, Task task, TaskState known, long now) {
        return onTask(key, task, known, now, null);
    }

    /**
     * A task read under record key {@code key}, as {@link #onTask(String, Task, TaskState, long)}; an accepted task
     * runs this lifecycle's variant, and {@code routing} (if not null) says in its ledger why.
     */
    Transition onTask(String key, Task task, TaskState known, long now, String routing) {
        var rejection = validator.rejection(key, task);
        if (rejection.isPresent()) {
            return Transition.rejected(rejection.get());
        }
        return known != null ? Transition.ignored() : accept(task, now, routing);
    }

    /** A persona's answer (or failure) for the task whose stored state is {@code state}, if it is known. */
    Transition onResult(TaskState state, PersonaResult result, long now) {
        if (state == null || state.getDone()) {
            return Transition.ignored(); // unknown, purged, or already ended: its single result is out
        }
        StageTiming timing = timing(state.getLedger(), result.getStage());
        if (timing == null) {
            return Transition.rejected("result names stage '" + result.getStage() + "', which task "
                    + result.getTaskId() + " does not have");
        }
        if (timing.getStatus() != StageStatus.REQUESTED || result.getAttempt() > timing.getAttempts()
                || result.getAttempt() < state.getMinAttempts().getOrDefault(result.getStage(), 1)) {
            return Transition.ignored(); // a duplicate delivery, a stage already answered, or an answer already judged
        }
        boolean succeeded = result.getStatus() == ResultStatus.SUCCEEDED && result.getText() != null;
        if (result.getAttempt() < timing.getAttempts() && !succeeded) {
            return Transition.ignored(); // an earlier attempt failed after the stage was asked again: the newer may answer
        }
        Transition.Effects out = new Transition.Effects();
        if (result.getUnserved()) {
            askAgain(state, timing, now, result.getError() == null
                    ? "the request of attempt " + result.getAttempt() + " was never served" : result.getError(), out);
            return out.saving(state);
        }
        record(timing, result, now);
        if (timing.getStage().equals(SpecLoader.GATE_STAGE)) {
            timing.setStatus(succeeded ? StageStatus.SUCCEEDED : StageStatus.FAILED);
            timing.setError(succeeded ? null : error(result));
            judged(state, succeeded ? QualityGate.judged(gate.judge(), result.getText())
                    : new Verdict(true, gate.judge(), "the judge failed (" + error(result) + "); counted as a pass"),
                    now, out);
            return out.saving(state);
        }
        if (succeeded) {
            timing.setStatus(StageStatus.SUCCEEDED);
            state.getOutputs().put(result.getStage(), result);
            String key = state.getCacheKeys().remove(result.getStage());
            // Only the newest attempt was asked with the inputs the key was made of (a fallback changes them).
            if (key != null && !result.getCacheHit() && result.getAttempt() == timing.getAttempts()) {
                out.cache(new CacheStore.Write(key, cacheEntry(result, now)));
            }
        } else {
            timing.setStatus(StageStatus.FAILED);
            timing.setError(error(result));
            TaskLedger ledger = state.getLedger();
            if (fallback.applies(mode(ledger), ledger.getFallbackStage() != null, timing.getStage().equals(finalStage))) {
                fallBack(state, timing, now);
            }
        }
        if (succeeded && timing.getStage().equals(finalStage)) {
            onAnswer(state, now, out);
        } else {
            advance(state, now, out);
        }
        return out.saving(state);
    }

    /** A timer of the task whose stored state is {@code state}, if it is known. */
    Transition onTimer(TaskState state, Timer timer, long now) {
        if (state == null) {
            return Transition.ignored();
        }
        return switch (timer.kind()) {
            case PURGE -> state.getDone() ? Transition.forgotten(timer.taskId()) : Transition.ignored();
            case DEADLINE -> state.getDone() ? Transition.ignored() : expire(state, now);
            case ATTEMPT -> {
                StageTiming timing = timing(state.getLedger(), timer.stage());
                if (state.getDone() || timing == null || timing.getStatus() != StageStatus.REQUESTED
                        || timing.getAttempts() != timer.attempt()) {
                    yield Transition.ignored(); // answered, or asked again already
                }
                Transition.Effects out = new Transition.Effects();
                askAgain(state, timing, now, reRequests.overdue(timer.attempt()), out);
                yield out.saving(state);
            }
        };
    }

    private Transition accept(Task task, long now, String routing) {
        Transition.Effects out = new Transition.Effects();
        Mode requested = task.getMode() == null ? settings.defaultMode() : Mode.parse(task.getMode()).orElseThrow();
        Mode mode = requested;
        Double complexity = null;
        List<String> notes = new ArrayList<>();
        if (routing != null) {
            notes.add(routing);
        }
        if (requested == Mode.ADAPTIVE) {
            Complexity scored = Complexity.of(task);
            mode = adaptive.choose(scored);
            complexity = scored.score();
            scored.note().ifPresent(notes::add);
            notes.add("adaptive: " + adaptive.explain(scored));
        }
        Resonance wanted = resonance.parse(task.getAttributes());
        notes.addAll(wanted.notes());
        List<StageTiming> stages = new ArrayList<>();
        for (Stage stage : pipelines.get(mode).stages()) {
            String persona = router.route(stageSpecs.get(stage.name()), wanted);
            if (!persona.equals(stage.persona())) {
                notes.add("routed " + stage.name() + " to " + persona + " by resonance " + wanted.values());
            }
            stages.add(pending(stage.name(), persona));
        }
        if (gate.enabled() && gate.judge() != null) {
            stages.add(pending(SpecLoader.GATE_STAGE, gate.judge()));
        }
        long timeout = task.getTimeoutMs() != null ? task.getTimeoutMs() : settings.taskTimeout().toMillis();
        long deadline = now + timeout;
        // Every field is set: a builder filling a default would need Avro's JVM-wide trust (see AvroClassTrust).
        TaskLedger ledger = TaskLedger.newBuilder()
                .setTaskId(task.getTaskId())
                .setGoal(task.getGoal())
                .setVariant(variant)
                .setMode(mode.wireName())
                .setStatus(TaskStatus.ACCEPTED)
                .setSubmittedAt(task.getSubmittedAt())
                .setAcceptedAt(Instant.ofEpochMilli(now))
                .setDeadlineAt(Instant.ofEpochMilli(deadline))
                .setFinishedAt(null)
                .setReason(null)
                .setStages(stages)
                .setTransitions(0)
                .setAttributes(new HashMap<>(task.getAttributes()))
                .setRequestedMode(requested == mode ? null : requested.wireName())
                .setComplexity(complexity)
                .setFallbackStage(null)
                .setFallbackReason(null)
                .setFellBackAt(null)
                .setVerdicts(new ArrayList<>())
                .setResonance(new HashMap<>(wanted.values()))
                .setNotes(notes)
                .build();
        TaskState state = TaskState.newBuilder().setTask(task).setLedger(ledger).setOutputs(new HashMap<>())
                .setDone(false).setMinAttempts(new HashMap<>()).setFeedback(null).setCacheKeys(new HashMap<>()).build();
        out.schedule(Timer.deadline(deadline, task.getTaskId()));
        advance(state, now, out);
        return out.saving(state);
    }

    private static StageTiming pending(String stage, String persona) {
        return StageTiming.newBuilder().setStage(stage).setPersona(persona).setStatus(StageStatus.PENDING)
                .setReRequests(new ArrayList<>()).build();
    }

    /** Requests every stage whose inputs are all present, and ends the task once a stage failed for good. */
    private void advance(TaskState state, long now, Transition.Effects out) {
        TaskLedger ledger = state.getLedger();
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getStatus() == StageStatus.FAILED && !timing.getStage().equals(SpecLoader.GATE_STAGE)) {
                finish(state, now, "stage " + timing.getStage() + " failed: " + timing.getError(), null, out);
                return;
            }
        }
        boolean answered = false;
        for (Stage stage : pipeline(ledger).stages()) {
            StageTiming timing = timing(ledger, stage.name());
            if (timing.getStatus() == StageStatus.PENDING && inputsReady(state, stage)) {
                if (answeredFromCache(state, stage, timing, now)) {
                    answered |= stage.name().equals(finalStage);
                } else {
                    request(state, timing, now, out);
                }
            }
        }
        ledger.setStatus(TaskStatus.RUNNING);
        if (answered) {
            onAnswer(state, now, out);
        }
    }

    /**
     * Answers {@code stage} from the response cache when the cache has its answer; otherwise remembers the stage's
     * cache key (if it has one), so that the answer it is about to be asked for is kept under it.
     */
    private boolean answeredFromCache(TaskState state, Stage stage, StageTiming timing, long now) {
        Task task = state.getTask();
        Optional<String> key = cachePolicy.key(timing.getPersona(), task.getGoal(), task.getContext(),
                stageInputs(state, stage), task.getAttributes(), state.getLedger().getVariant());
        if (key.isEmpty()) {
            state.getCacheKeys().remove(stage.name());
            return false;
        }
        Optional<CacheEntry> hit = cache.lookup(key.get(), timing.getPersona(), now);
        if (hit.isEmpty()) {
            state.getCacheKeys().put(stage.name(), key.get());
            return false;
        }
        CacheEntry entry = hit.get();
        Instant at = Instant.ofEpochMilli(now);
        timing.setStatus(StageStatus.SUCCEEDED);
        timing.setRequestedAt(at);
        timing.setStartedAt(at);
        timing.setFirstTokenAt(null);
        timing.setFinishedAt(at);
        timing.setRecordedAt(at);
        timing.setInputTokens(0);
        timing.setOutputTokens(0);
        timing.setModel(entry.getModel());
        timing.setWorkerId(null);
        timing.setCacheHit(true);
        timing.setSavedMs(entry.getCallMs());
        timing.setError(null);
        state.getCacheKeys().remove(stage.name());
        state.getOutputs().put(stage.name(), PersonaResult.newBuilder()
                .setTaskId(task.getTaskId())
                .setStage(stage.name())
                .setPersona(timing.getPersona())
                .setAttempt(timing.getAttempts())
                .setStatus(ResultStatus.SUCCEEDED)
                .setText(entry.getText())
                .setError(null)
                .setProvider(entry.getProvider())
                .setModel(entry.getModel())
                .setWorkerId("")
                .setStartedAt(at)
                .setFirstTokenAt(null)
                .setFinishedAt(at)
                .setInputTokens(0)
                .setOutputTokens(0)
                .setCallAttempts(0)
                .setDeliveryCount(0)
                .setCacheHit(true)
                .setUnserved(false)
                .build());
        state.getLedger().getNotes().add("answered " + stage.name() + " from the cache (saved " + entry.getCallMs()
                + " ms)");
        return true;
    }

    /** What the response cache keeps of a model's answer recorded at {@code now}. */
    private static CacheEntry cacheEntry(PersonaResult result, long now) {
        return CacheEntry.newBuilder()
                .setPersona(result.getPersona())
                .setText(result.getText())
                .setProvider(result.getProvider())
                .setModel(result.getModel())
                .setCreatedAt(Instant.ofEpochMilli(now))
                .setCallMs(Math.max(0, result.getFinishedAt().toEpochMilli() - result.getStartedAt().toEpochMilli()))
                .setOutputTokens(result.getOutputTokens())
                .build();
    }

    /** The outputs of {@code stage}'s inputs, in its order. */
    private static List<PersonaInput> stageInputs(TaskState state, Stage stage) {
        List<PersonaInput> inputs = new ArrayList<>();
        for (String input : stage.inputs()) {
            PersonaResult output = state.getOutputs().get(input);
            inputs.add(new PersonaInput(input, output.getPersona(), output.getText()));
        }
        return inputs;
    }

    private boolean inputsReady(TaskState state, Stage stage) {
        return stage.inputs().stream().allMatch(state.getOutputs()::containsKey);
    }

    /**
     * Continues down the sequential chain after a parallel stage failed: the task's mode becomes sequential, and
     * the failed stage waits to run again until its predecessor's output is there.
     */
    private void fallBack(TaskState state, StageTiming failed, long now) {
        TaskLedger ledger = state.getLedger();
        if (ledger.getRequestedMode() == null) {
            ledger.setRequestedMode(ledger.getMode());
        }
        ledger.setMode(Mode.SEQUENTIAL.wireName());
        ledger.setFallbackStage(failed.getStage());
        ledger.setFallbackReason(failed.getError());
        ledger.setFellBackAt(Instant.ofEpochMilli(now));
        ledger.getNotes().add("fell back to sequential: stage " + failed.getStage() + " failed: " + failed.getError());
        failed.setStatus(StageStatus.PENDING);
        failed.setError(null);
    }

    /** The final stage answered: judge the answer, or end the task when the gate is off. */
    private void onAnswer(TaskState state, long now, Transition.Effects out) {
        if (!gate.enabled()) {
            finish(state, now, null, null, out);
            return;
        }
        Verdict verdict = gate.rules(state.getOutputs().get(finalStage).getText(), inputTexts(state));
        if (verdict.passed() && gate.judge() != null) {
            state.getLedger().getVerdicts().add(verdict.line(pass(state.getLedger())));
            requestPass(state, timing(state.getLedger(), SpecLoader.GATE_STAGE), now, out);
            state.getLedger().setStatus(TaskStatus.RUNNING);
            return;
        }
        judged(state, verdict, now, out);
    }

    /** Records {@code verdict}; ends the task, or asks the final stage again with the feedback. */
    private void judged(TaskState state, Verdict verdict, long now, Transition.Effects out) {
        TaskLedger ledger = state.getLedger();
        int pass = pass(ledger);
        ledger.getVerdicts().add(verdict.line(pass));
        if (verdict.passed() || pass > gate.maxPasses()) {
            finish(state, now, null, verdict, out);
            return;
        }
        state.setFeedback(verdict.feedback());
        requestPass(state, timing(ledger, finalStage), now, out);
        ledger.setStatus(TaskStatus.RUNNING);
    }

    /**
     * Requests {@code timing}'s stage for a new pass of the gate. Answers to the attempts of earlier passes were
     * judged already, so from now on a repeated delivery of one of them is ignored; within a pass, an answer to
     * any attempt still counts.
     */
    private void requestPass(TaskState state, StageTiming timing, long now, Transition.Effects out) {
        request(state, timing, now, out);
        state.getMinAttempts().put(timing.getStage(), timing.getAttempts());
    }

    /** The pass of the final stage being judged: one more than the verdicts that failed. */
    private static int pass(TaskLedger ledger) {
        return 1 + (int) ledger.getVerdicts().stream().filter(Verdict::failed).count();
    }

    /** The texts of the final stage's inputs, by stage name. */
    private Map<String, String> inputTexts(TaskState state) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (String input : pipeline(state.getLedger()).finalStage().inputs()) {
            inputs.put(input, state.getOutputs().get(input).getText());
        }
        return inputs;
    }

    /**
     * Emits the next attempt of {@code timing}'s stage: a pipeline stage with its inputs (the final stage also
     * with the gate's feedback, after a failed verdict), or the judge with the answer and the final stage's inputs.
     */
    private void request(TaskState state, StageTiming timing, long now, Transition.Effects out) {
        Task task = state.getTask();
        List<PersonaInput> inputs = new ArrayList<>();
        boolean judge = timing.getStage().equals(SpecLoader.GATE_STAGE);
        if (judge) {
            PersonaResult answer = state.getOutputs().get(finalStage);
            inputs.add(new PersonaInput(finalStage, answer.getPersona(), answer.getText()));
        }
        Stage stage = pipeline(state.getLedger()).stage(judge ? finalStage : timing.getStage()).orElseThrow();
        inputs.addAll(stageInputs(state, stage));
        if (!judge && stage.name().equals(finalStage) && state.getFeedback() != null) {
            inputs.add(new PersonaInput(PromptTemplate.FEEDBACK, SpecLoader.GATE_STAGE, state.getFeedback()));
            state.getCacheKeys().remove(timing.getStage()); // an answer to feedback is not the answer to the task
        }
        timing.setAttempts(timing.getAttempts() + 1);
        timing.setStatus(StageStatus.REQUESTED);
        timing.setRequestedAt(Instant.ofEpochMilli(now));
        out.request(PersonaRequest.newBuilder()
                .setTaskId(task.getTaskId())
                .setStage(timing.getStage())
                .setPersona(timing.getPersona())
                .setAttempt(timing.getAttempts())
                .setGoal(task.getGoal())
                .setContext(task.getContext())
                .setInputs(inputs)
                .setVariant(state.getLedger().getVariant())
                .setRequestedAt(Instant.ofEpochMilli(now))
                .setDeadlineAt(state.getLedger().getDeadlineAt())
                .setAttributes(task.getAttributes())
                .build());
        reRequests.due(now, state.getLedger().getDeadlineAt().toEpochMilli()).ifPresent(due ->
                out.schedule(Timer.attempt(due, task.getTaskId(), timing.getStage(), timing.getAttempts())));
    }

    /**
     * Issues a new attempt of a stage whose request went unanswered (archived by the share group, or no answer
     * in time), recording why in the ledger; a stage that used up its attempts fails instead (the judge's failure
     * counts as a pass). Answers to the earlier attempts still count if they come first.
     */
    private void askAgain(TaskState state, StageTiming timing, long now, String why, Transition.Effects out) {
        boolean judge = timing.getStage().equals(SpecLoader.GATE_STAGE);
        if (reRequests.exhausted(timing.getAttempts())) {
            timing.setStatus(StageStatus.FAILED);
            timing.setError("no answer after " + timing.getAttempts() + " request(s): " + why);
            if (judge) {
                judged(state, new Verdict(true, gate.judge(), "the judge failed (" + timing.getError()
                        + "); counted as a pass"), now, out);
                return;
            }
        } else {
            timing.getReRequests().add(why);
            request(state, timing, now, out);
        }
        advance(state, now, out);
    }

    /**
     * Ends the task with its single result: SUCCEEDED when the final stage answered; otherwise PARTIAL when
     * some stage produced text, FAILED when none did.
     */
    private void finish(TaskState state, long now, String failure, Verdict verdict, Transition.Effects out) {
        TaskLedger ledger = state.getLedger();
        Map<String, String> outputs = new HashMap<>();
        state.getOutputs().forEach((stage, result) -> outputs.put(stage, result.getText()));
        PersonaResult answer = state.getOutputs().get(finalStage);
        ResultStatus status = failure == null
                ? ResultStatus.SUCCEEDED
                : outputs.isEmpty() ? ResultStatus.FAILED : ResultStatus.PARTIAL;
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getStatus() == StageStatus.PENDING) {
                timing.setStatus(StageStatus.SKIPPED);
            }
        }
        ledger.setStatus(switch (status) {
            case SUCCEEDED -> TaskStatus.SUCCEEDED;
            case PARTIAL -> TaskStatus.PARTIAL;
            case FAILED -> TaskStatus.FAILED;
        });
        ledger.setFinishedAt(Instant.ofEpochMilli(now));
        ledger.setReason(failure);
        List<String> cached = new ArrayList<>();
        long saved = 0;
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getCacheHit()) {
                cached.add(timing.getStage());
                saved += timing.getSavedMs();
            }
        }
        if (!cached.isEmpty() && cached.size() == ledger.getStages().size()) {
            ledger.getNotes().add("fast path: every stage answered from the cache");
        }
        SynthesisResult result = SynthesisResult.newBuilder()
                .setTaskId(ledger.getTaskId())
                .setStatus(status)
                .setText(answer == null ? null : answer.getText())
                .setReason(failure)
                .setGoal(ledger.getGoal())
                .setMode(ledger.getMode())
                .setVariant(ledger.getVariant())
                .setOutputs(outputs)
                .setSubmittedAt(ledger.getSubmittedAt())
                .setFinishedAt(Instant.ofEpochMilli(now))
                .setFellBack(ledger.getFallbackStage() != null)
                .setVerdict(verdict == null ? null : verdict.passed() ? "passed" : "failed")
                .setVerdictFeedback(verdict == null || verdict.feedback().isEmpty() ? null : verdict.feedback())
                .setCachedStages(cached)
                .setSavedMs(saved)
                .build();
        out.result(result);

        // Keep what duplicate detection, the ledger and lookups by id need; the outputs live on in the result.
        state.setDone(true);
        state.setResult(result);
        state.setOutputs(new HashMap<>());
        state.setFeedback(null);
        state.setCacheKeys(new HashMap<>());
        state.getTask().setContext(null);
        out.cancel(Timer.deadline(ledger.getDeadlineAt().toEpochMilli(), ledger.getTaskId()));
        out.schedule(Timer.purge(now + settings.retention().toMillis(), ledger.getTaskId()));
    }

    private Transition expire(TaskState state, long now) {
        Transition.Effects out = new Transition.Effects();
        TaskLedger ledger = state.getLedger();
        List<String> waiting = new ArrayList<>();
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getStatus() == StageStatus.REQUESTED) {
                waiting.add(timing.getStage());
                timing.setStatus(StageStatus.FAILED);
                timing.setError("deadline exceeded");
            }
        }
        long allowed = ledger.getDeadlineAt().toEpochMilli() - ledger.getAcceptedAt().toEpochMilli();
        finish(state, now, "deadline of " + Duration.ofMillis(allowed) + " exceeded while waiting for "
                + (waiting.isEmpty() ? "nothing" : String.join(", ", waiting)), null, out);
        return out.saving(state);
    }

    private Pipeline pipeline(TaskLedger ledger) {
        return pipelines.get(mode(ledger));
    }

    private static Mode mode(TaskLedger ledger) {
        return Mode.parse(ledger.getMode()).orElseThrow();
    }

    private static void record(StageTiming timing, PersonaResult result, long now) {
        timing.setStartedAt(result.getStartedAt());
        timing.setFirstTokenAt(result.getFirstTokenAt());
        timing.setFinishedAt(result.getFinishedAt());
        timing.setRecordedAt(Instant.ofEpochMilli(now));
        timing.setInputTokens(result.getInputTokens());
        timing.setOutputTokens(result.getOutputTokens());
        timing.setModel(result.getModel());
        timing.setWorkerId(result.getWorkerId());
        timing.setCacheHit(result.getCacheHit());
    }

    private static String error(PersonaResult result) {
        return result.getError() == null ? "the worker returned no text" : result.getError();
    }

    private static StageTiming timing(TaskLedger ledger, String stage) {
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getStage().equals(stage)) {
                return timing;
            }
        }
        return null;
    }
}
