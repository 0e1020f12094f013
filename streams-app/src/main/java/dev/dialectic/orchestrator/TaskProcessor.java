package dev.dialectic.orchestrator;

import dev.dialectic.cache.CacheStore;
import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskState;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's Kafka-facing shell: decodes tasks and persona results (undecodable records go to the dlq
 * untouched), hands each with its task's stored state to the {@link TaskLifecycle}, and carries out the
 * {@link Transition} that comes back: stores, timers, requests, the result, the ledger. Its punctuator hands due
 * timers to the lifecycle the same way.
 *
 * <p>Runs under exactly-once: the store updates, the requests, the result and the ledger of one input record
 * commit together or not at all, which is what makes "exactly one result per task" hold across crashes.
 */
final class TaskProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(TaskProcessor.class);
    private static final String COMPONENT = "orchestrator";
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
    private final Map<String, TaskLifecycle> lifecycles;
    private final TaskLifecycle baseline;
    private final Supplier<CanaryState> canary;
    private final CacheStore cache;
    private final Deserializer<Task> taskDeserializer;
    private final Deserializer<PersonaResult> resultDeserializer;

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, TaskState> states;
    private TimerIndex timers;
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
     * @param lifecycles the lifecycle of each release variant's tasks, {@code baseline}'s among them
     * @param cache where the lifecycles' cache writes go
     * @param canary the canary's settings in force now, read at each task's acceptance
     */
    TaskProcessor(Topics topics, OrchestratorSettings settings, Map<String, TaskLifecycle> lifecycles,
            CacheStore cache, Supplier<CanaryState> canary) {
        this.topics = topics;
        this.settings = settings;
        this.lifecycles = Map.copyOf(lifecycles);
        this.baseline = lifecycles.get(ControlSettings.BASELINE);
        this.cache = cache;
        this.canary = canary;
        this.taskDeserializer = topics.tasks().valueSerde().deserializer();
        this.resultDeserializer = topics.personaResults().valueSerde().deserializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.states = context.getStateStore(OrchestratorTopology.TASK_STORE);
        this.timers = new TimerIndex(context.getStateStore(OrchestratorTopology.TIMER_STORE));
        decoded.clear(); // a task re-initialised after a failure restores its store; memory must follow it
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
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        // The variant is chosen here, once: the task's state keeps it, so the task finishes on it whatever the
        // control topic says later, and a task processed again after a crash finds its state and is ignored.
        CanaryState control = canary.get();
        int partitions = topics.tasks().partitions();
        String variant = control.variantOf(source.partition(), partitions);
        TaskLifecycle lifecycle = lifecycles.get(variant);
        String routing = control.variant().isEmpty() ? null : "canary: partition " + source.partition()
                + " of tasks runs " + variant + "; " + control.describe(partitions);
        if (lifecycle == null) { // the control reader refuses such a variant; only a spec changed under a live canary
            lifecycle = baseline;
            routing = "canary: variant '" + variant + "' is not in this instance's spec; the task runs on baseline";
        }
        apply(lifecycle.onTask(key, task, state(task.getTaskId()), context.currentSystemTimeMs(), routing), record,
                source);
    }

    /** The lifecycle of the task whose stored state is {@code state}: its variant's, baseline's for an unknown one. */
    private TaskLifecycle lifecycle(TaskState state) {
        return state == null ? baseline : lifecycles.getOrDefault(state.getLedger().getVariant(), baseline);
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
        apply(lifecycle(state).onResult(state, result, context.currentSystemTimeMs()), record, source);
    }

    /** Hands every due timer to the lifecycle (at most a bounded number per punctuation). */
    private void fireTimers(long now) {
        for (Timer timer : timers.takeDue(now, MAX_TIMERS_PER_PUNCTUATION)) {
            TaskState state = state(timer.taskId());
            apply(lifecycle(state).onTimer(state, timer, now), null, null);
        }
    }

    /** Carries out {@code transition}; {@code record} and {@code source} are the input, null for a timer. */
    private void apply(Transition transition, Record<byte[], byte[]> record, RecordMetadata source) {
        if (transition.rejection() != null) {
            deadLetter(record, source, transition.rejection());
            return;
        }
        long now = context.currentSystemTimeMs();
        transition.cancelled().forEach(timers::cancel);
        transition.scheduled().forEach(timers::schedule);
        for (PersonaRequest request : transition.requests()) {
            context.forward(new Record<>(request.getTaskId(), request, now), OrchestratorTopology.REQUESTS_SINK);
        }
        if (transition.result() != null) {
            context.forward(new Record<>(transition.result().getTaskId(), transition.result(), now),
                    OrchestratorTopology.RESULTS_SINK);
        }
        if (transition.state() != null) {
            save(transition.state(), now);
        }
        if (transition.forget() != null) {
            states.delete(transition.forget());
            decoded.remove(transition.forget());
        }
        // Outside the transaction (see SharedCache): never blocks, never fails the record.
        transition.cacheWrites().forEach(write -> cache.write(write.key(), write.entry()));
    }

    private TaskState state(String taskId) {
        TaskState state = decoded.get(taskId);
        return state != null ? state : states.get(taskId);
    }

    private void save(TaskState state, long now) {
        TaskLedger ledger = state.getLedger();
        states.put(ledger.getTaskId(), state);
        if (state.getDone()) {
            decoded.remove(ledger.getTaskId()); // nothing but duplicates and purging read a finished task
        } else {
            decoded.put(ledger.getTaskId(), state);
        }
        context.forward(new Record<>(ledger.getTaskId(), ledger, now), OrchestratorTopology.LEDGER_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason) {
        log.warn("rejected record {}-{}@{} to the dlq: {}", source.topic(), source.partition(), source.offset(), reason);
        Headers headers = DeadLetters.headers(reason, COMPONENT, source.topic(), source.partition(), source.offset(),
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        record.headers().forEach(headers::add);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers),
                OrchestratorTopology.DLQ_SINK);
    }
}
