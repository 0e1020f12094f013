package dev.dialectic.orchestrator;

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
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-task state machine: accepts tasks, emits the persona requests that became ready, records persona
 * results (de-duplicated by stage and attempt), ends tasks with exactly one {@link SynthesisResult}, and
 * rewrites the task's {@link TaskLedger} on every transition.
 *
 * <p>Runs under exactly-once: the store updates, the requests, the result and the ledger of one input record
 * commit together or not at all, which is what makes "exactly one result per task" hold across crashes.
 * Both inputs arrive as raw bytes so that undecodable records can be routed to the dlq untouched.
 */
final class TaskStateMachine implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(TaskStateMachine.class);
    private static final String COMPONENT = "orchestrator";
    private static final char DEADLINE = 'D';
    private static final char PURGE = 'P';
    /** A stage attempt's answer is due; its key also carries the stage, its value the attempt and the stage. */
    private static final char ATTEMPT = 'A';
    /** Sorts before every kind, so a range from it starts with the first timer of its millisecond. */
    private static final char FIRST_KIND = '!';
    /** Bounds the work of one punctuation so a burst of expiries cannot stall the stream thread. */
    private static final int MAX_TIMERS_PER_PUNCTUATION = 5_000;
    /**
     * How many running tasks keep their decoded state in memory. Every result reads its task's state, and
     * decoding it from the store took about a fifth of the stream thread's processing; the store stays the
     * truth, this only spares the decoding. 10,000 states of a few KiB each.
     */
    private static final int MAX_DECODED_STATES = 10_000;

    private final Topics topics;
    private final OrchestratorSettings settings;
    private final TaskValidator validator;
    private final Map<Mode, Pipeline> pipelines;
    private final Deserializer<Task> taskDeserializer;
    private final Deserializer<PersonaResult> resultDeserializer;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, TaskState> states;
    private KeyValueStore<String, String> timers;
    /**
     * Decoded states of running tasks, exactly as last written to {@link #states} (least recently used go
     * first). Only {@link #save} adds to it, and a record or punctuation that fails clears it, so a state
     * changed but never saved is never read back from here.
     */
    private final Map<String, TaskState> decoded = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskState> eldest) {
            return size() > MAX_DECODED_STATES;
        }
    };
    /**
     * Every timer due before this has fired. Fired timers are deleted, and a scan from 0 would step over
     * all of their tombstones in the store each time.
     */
    private long timersFiredUpTo;

    TaskStateMachine(Topics topics, OrchestratorSettings settings, Map<Mode, Pipeline> pipelines) {
        this.topics = topics;
        this.settings = settings;
        this.pipelines = Map.copyOf(pipelines);
        this.validator = new TaskValidator(settings);
        this.taskDeserializer = topics.tasks().valueSerde().deserializer();
        this.resultDeserializer = topics.personaResults().valueSerde().deserializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.states = context.getStateStore(OrchestratorTopology.TASK_STORE);
        this.timers = context.getStateStore(OrchestratorTopology.TIMER_STORE);
        decoded.clear(); // a task re-initialised after a failure restores its store; memory must follow it
        timersFiredUpTo = 0;
        context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME,
                now -> forgettingDecodedOnFailure(() -> fireTimers(now)));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        forgettingDecodedOnFailure(() -> {
            if (source.topic().equals(topics.tasks().name())) {
                onTask(record, source);
            } else {
                onResult(record, source);
            }
        });
    }

    private void forgettingDecodedOnFailure(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            decoded.clear(); // the failed step may have changed a decoded state it did not save
            throw e;
        }
    }

    @Override
    public void close() {
        decoded.clear();
    }

    private void onTask(Record<byte[], byte[]> record, RecordMetadata source) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Task task;
        try {
            task = taskDeserializer.deserialize(source.topic(), record.headers(), record.value());
        } catch (SerializationException | IllegalArgumentException e) {
            deadLetter(record, source, "value is not a decodable Task: " + e.getMessage());
            return;
        }
        if (task == null) {
            deadLetter(record, source, "value is empty (a tombstone is not a task)");
            return;
        }
        var rejection = validator.rejection(key, task);
        if (rejection.isPresent()) {
            deadLetter(record, source, rejection.get());
            return;
        }
        if (state(task.getTaskId()) != null) {
            // Re-submitting a known id is idempotent: the first submission's single result stands.
            log.debug("ignoring re-submitted task {}", task.getTaskId());
            return;
        }
        accept(task);
    }

    private void accept(Task task) {
        long now = context.currentSystemTimeMs();
        Mode mode = task.getMode() == null ? settings.defaultMode() : Mode.parse(task.getMode()).orElseThrow();
        long timeout = task.getTimeoutMs() != null ? task.getTimeoutMs() : settings.taskTimeout().toMillis();
        long deadline = now + timeout;
        List<StageTiming> stages = new ArrayList<>();
        for (Stage stage : pipelines.get(mode).stages()) {
            stages.add(StageTiming.newBuilder().setStage(stage.name()).setPersona(stage.persona())
                    .setStatus(StageStatus.PENDING).build());
        }
        TaskLedger ledger = TaskLedger.newBuilder()
                .setTaskId(task.getTaskId())
                .setGoal(task.getGoal())
                .setVariant("baseline")
                .setMode(mode.wireName())
                .setStatus(TaskStatus.ACCEPTED)
                .setSubmittedAt(task.getSubmittedAt())
                .setAcceptedAt(Instant.ofEpochMilli(now))
                .setDeadlineAt(Instant.ofEpochMilli(deadline))
                .setStages(stages)
                .setAttributes(new HashMap<>(task.getAttributes()))
                .build();
        TaskState state = TaskState.newBuilder().setTask(task).setLedger(ledger).setOutputs(new HashMap<>()).build();
        schedule(deadline, DEADLINE, task.getTaskId());
        advance(state, now);
        save(state);
    }

    private void onResult(Record<byte[], byte[]> record, RecordMetadata source) {
        PersonaResult result;
        try {
            result = resultDeserializer.deserialize(source.topic(), record.headers(), record.value());
        } catch (SerializationException | IllegalArgumentException e) {
            deadLetter(record, source, "value is not a decodable PersonaResult: " + e.getMessage());
            return;
        }
        if (result == null) {
            deadLetter(record, source, "value is empty (a tombstone is not a result)");
            return;
        }
        TaskState state = state(result.getTaskId());
        if (state == null) {
            log.debug("ignoring result for unknown or purged task {}", result.getTaskId());
            return;
        }
        if (state.getDone()) {
            return; // a late or repeated result: the task's single result is already out
        }
        StageTiming timing = timing(state.getLedger(), result.getStage());
        if (timing == null) {
            deadLetter(record, source, "result names stage '" + result.getStage() + "', which task "
                    + result.getTaskId() + " does not have");
            return;
        }
        if (timing.getStatus() != StageStatus.REQUESTED || result.getAttempt() > timing.getAttempts()) {
            return; // duplicate delivery (at-least-once workers), or a stage already answered
        }
        boolean succeeded = result.getStatus() == ResultStatus.SUCCEEDED && result.getText() != null;
        if (result.getAttempt() < timing.getAttempts() && !succeeded) {
            return; // an earlier attempt failed after the stage was asked again: the newer attempt may still answer
        }
        long now = context.currentSystemTimeMs();
        if (result.getUnserved()) {
            askAgain(state, stage(state, timing), timing, now, result.getError() == null
                    ? "the request of attempt " + result.getAttempt() + " was never served" : result.getError());
            save(state);
            return;
        }
        timing.setStartedAt(result.getStartedAt());
        timing.setFirstTokenAt(result.getFirstTokenAt());
        timing.setFinishedAt(result.getFinishedAt());
        timing.setRecordedAt(Instant.ofEpochMilli(now));
        timing.setInputTokens(result.getInputTokens());
        timing.setOutputTokens(result.getOutputTokens());
        timing.setModel(result.getModel());
        timing.setWorkerId(result.getWorkerId());
        timing.setCacheHit(result.getCacheHit());
        if (succeeded) {
            timing.setStatus(StageStatus.SUCCEEDED);
            state.getOutputs().put(result.getStage(), result);
        } else {
            timing.setStatus(StageStatus.FAILED);
            timing.setError(result.getError() == null ? "the worker returned no text" : result.getError());
        }
        advance(state, now);
        save(state);
    }

    /** Requests every stage whose inputs are all present, and ends the task once its outcome is known. */
    private void advance(TaskState state, long now) {
        TaskLedger ledger = state.getLedger();
        Pipeline pipeline = pipelines.get(Mode.parse(ledger.getMode()).orElseThrow());
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getStatus() == StageStatus.FAILED) {
                finish(state, now, "stage " + timing.getStage() + " failed: " + timing.getError());
                return;
            }
        }
        StageTiming last = timing(ledger, pipeline.finalStage().name());
        if (last.getStatus() == StageStatus.SUCCEEDED) {
            finish(state, now, null);
            return;
        }
        for (Stage stage : pipeline.stages()) {
            StageTiming timing = timing(ledger, stage.name());
            if (timing.getStatus() == StageStatus.PENDING && inputsReady(state, stage)) {
                request(state, stage, timing, now);
            }
        }
        ledger.setStatus(TaskStatus.RUNNING);
    }

    private boolean inputsReady(TaskState state, Stage stage) {
        return stage.inputs().stream().allMatch(state.getOutputs()::containsKey);
    }

    private void request(TaskState state, Stage stage, StageTiming timing, long now) {
        Task task = state.getTask();
        List<PersonaInput> inputs = new ArrayList<>(stage.inputs().size());
        for (String input : stage.inputs()) {
            PersonaResult output = state.getOutputs().get(input);
            inputs.add(new PersonaInput(input, output.getPersona(), output.getText()));
        }
        timing.setAttempts(timing.getAttempts() + 1);
        timing.setStatus(StageStatus.REQUESTED);
        timing.setRequestedAt(Instant.ofEpochMilli(now));
        PersonaRequest request = PersonaRequest.newBuilder()
                .setTaskId(task.getTaskId())
                .setStage(stage.name())
                .setPersona(stage.persona())
                .setAttempt(timing.getAttempts())
                .setGoal(task.getGoal())
                .setContext(task.getContext())
                .setInputs(inputs)
                .setVariant(state.getLedger().getVariant())
                .setRequestedAt(Instant.ofEpochMilli(now))
                .setDeadlineAt(state.getLedger().getDeadlineAt())
                .setAttributes(task.getAttributes())
                .build();
        context.forward(new Record<>(task.getTaskId(), request, now), OrchestratorTopology.REQUESTS_SINK);
        long due = now + settings.stageAttemptTimeout().toMillis();
        if (due < state.getLedger().getDeadlineAt().toEpochMilli()) {
            timers.put(attemptTimerKey(due, task.getTaskId(), stage.name()), timing.getAttempts() + ":" + stage.name());
            timersFiredUpTo = Math.min(timersFiredUpTo, due);
        }
    }

    /**
     * Issues a new attempt of a stage whose request went unanswered (archived by the share group, or no answer
     * in time), recording why in the ledger; a stage that used up its attempts fails instead. Answers to the
     * earlier attempts still count if they come first.
     */
    private void askAgain(TaskState state, Stage stage, StageTiming timing, long now, String why) {
        if (timing.getAttempts() >= settings.stageMaxAttempts()) {
            timing.setStatus(StageStatus.FAILED);
            timing.setError("no answer after " + timing.getAttempts() + " request(s): " + why);
        } else {
            log.debug("asking again for task {} {}: {}", state.getLedger().getTaskId(), stage.name(), why);
            timing.getReRequests().add(why);
            request(state, stage, timing, now);
        }
        advance(state, now);
    }

    private Stage stage(TaskState state, StageTiming timing) {
        return pipelines.get(Mode.parse(state.getLedger().getMode()).orElseThrow()).stage(timing.getStage())
                .orElseThrow();
    }

    /**
     * Ends the task with its single result: SUCCEEDED when the final stage answered; otherwise PARTIAL when
     * some stage produced text, FAILED when none did.
     */
    private void finish(TaskState state, long now, String failure) {
        TaskLedger ledger = state.getLedger();
        Pipeline pipeline = pipelines.get(Mode.parse(ledger.getMode()).orElseThrow());
        Map<String, String> outputs = new HashMap<>();
        state.getOutputs().forEach((stage, result) -> outputs.put(stage, result.getText()));
        PersonaResult answer = state.getOutputs().get(pipeline.finalStage().name());
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
                .build();
        context.forward(new Record<>(ledger.getTaskId(), result, now), OrchestratorTopology.RESULTS_SINK);

        // Keep only what duplicate detection and the ledger need; outputs already left in the result.
        state.setDone(true);
        state.setOutputs(new HashMap<>());
        state.getTask().setContext(null);
        timers.delete(timerKey(ledger.getDeadlineAt().toEpochMilli(), DEADLINE, ledger.getTaskId()));
        schedule(now + settings.retention().toMillis(), PURGE, ledger.getTaskId());
    }

    private TaskState state(String taskId) {
        TaskState state = decoded.get(taskId);
        return state != null ? state : states.get(taskId);
    }

    private void save(TaskState state) {
        TaskLedger ledger = state.getLedger();
        ledger.setTransitions(ledger.getTransitions() + 1);
        states.put(ledger.getTaskId(), state);
        if (state.getDone()) {
            decoded.remove(ledger.getTaskId()); // nothing but duplicates and purging read a finished task
        } else {
            decoded.put(ledger.getTaskId(), state);
        }
        context.forward(new Record<>(ledger.getTaskId(), ledger, context.currentSystemTimeMs()),
                OrchestratorTopology.LEDGER_SINK);
    }

    private void schedule(long at, char kind, String taskId) {
        timers.put(timerKey(at, kind, taskId), taskId);
        timersFiredUpTo = Math.min(timersFiredUpTo, at); // a timer already due (a tiny timeout) still fires
    }

    /** Ends tasks past their deadline and forgets finished tasks past their retention. */
    private void fireTimers(long now) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it =
                     timers.range(timerKey(timersFiredUpTo, FIRST_KIND, ""), timerKey(now, '~', ""))) {
            while (it.hasNext() && due.size() < MAX_TIMERS_PER_PUNCTUATION) {
                due.add(it.next().key);
            }
        }
        // Capped: the rest of this millisecond and later ones wait for the next punctuation.
        timersFiredUpTo = due.size() < MAX_TIMERS_PER_PUNCTUATION ? now + 1 : timerTime(due.getLast());
        for (String key : due) {
            String value = timers.get(key);
            timers.delete(key);
            char kind = key.charAt(14);
            if (kind == ATTEMPT) {
                attemptDue(key, value, now);
                continue;
            }
            String taskId = key.substring(16);
            TaskState state = state(taskId);
            if (state == null) {
                continue;
            }
            if (kind == PURGE && state.getDone()) {
                states.delete(taskId);
                decoded.remove(taskId);
            } else if (kind == DEADLINE && !state.getDone()) {
                expire(state, now);
            }
        }
    }

    /** Asks again for a stage whose attempt named by {@code value} ({@code attempt:stage}) is still unanswered. */
    private void attemptDue(String key, String value, long now) {
        int colon = value.indexOf(':');
        int attempt = Integer.parseInt(value, 0, colon, 10);
        String stageName = value.substring(colon + 1);
        String taskId = key.substring(16, key.length() - stageName.length() - 1);
        TaskState state = state(taskId);
        if (state == null || state.getDone()) {
            return;
        }
        StageTiming timing = timing(state.getLedger(), stageName);
        if (timing != null && timing.getStatus() == StageStatus.REQUESTED && timing.getAttempts() == attempt) {
            askAgain(state, stage(state, timing), timing, now, "attempt " + attempt + " had no answer after "
                    + settings.stageAttemptTimeout().toMillis() + " ms");
            save(state);
        }
    }

    private void expire(TaskState state, long now) {
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
                + (waiting.isEmpty() ? "nothing" : String.join(", ", waiting)));
        save(state);
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason) {
        log.warn("rejected record {}-{}@{} to the dlq: {}", source.topic(), source.partition(), source.offset(), reason);
        Headers headers = DeadLetters.headers(reason, COMPONENT, source.topic(), source.partition(), source.offset(),
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        record.headers().forEach(headers::add);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers),
                OrchestratorTopology.DLQ_SINK);
    }

    private static StageTiming timing(TaskLedger ledger, String stage) {
        for (StageTiming timing : ledger.getStages()) {
            if (timing.getStage().equals(stage)) {
                return timing;
            }
        }
        return null;
    }

    private static long timerTime(String timerKey) {
        return Long.parseLong(timerKey, 0, 13, 10);
    }

    private static String attemptTimerKey(long at, String taskId, String stage) {
        return timerKey(at, ATTEMPT, taskId) + '|' + stage;
    }

    /** Timer keys sort by time: 13 zero-padded digits of epoch millis, the kind, then the task id. */
    private static String timerKey(long at, char kind, String taskId) {
        String millis = Long.toString(at); // not String.format: this runs several times per task
        return new StringBuilder(16 + taskId.length()).repeat('0', 13 - millis.length()).append(millis)
                .append('|').append(kind).append('|').append(taskId).toString();
    }
}
