package dev.dialectic.orchestrator;

import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStore;
import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.TaskState;
import dev.dialectic.serde.AvroSerde;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the orchestrator's Kafka Streams topology. Kept apart from any {@code main} so tests drive it
 * directly, with {@code TopologyTestDriver} or a real broker.
 *
 * <pre>
 *   tasks ───────────┐                        ┌─▶ persona.&lt;name&gt;  (requests)
 *                    ├─▶ task-state-machine ──┼─▶ results          (one per task)
 *   persona.results ─┘    [task-state, timers] ├─▶ ledger           (every transition)
 *                                             └─▶ dlq              (rejected input)
 * </pre>
 */
public final class OrchestratorTopology {

    /** Per-task state (the {@code TaskState} of every task, in flight or finished within retention). */
    public static final String TASK_STORE = "task-state";
    /** Deadlines, stage attempts due and retention expiries, ordered by time (see {@link Timer}). */
    public static final String TIMER_STORE = "task-timers";

    static final String STATE_MACHINE = "task-state-machine";
    static final String REQUESTS_SINK = "requests-sink";
    static final String RESULTS_SINK = "results-sink";
    static final String LEDGER_SINK = "ledger-sink";
    static final String DLQ_SINK = "dlq-sink";

    private OrchestratorTopology() {}

    /** The topology running the built-in dialectic spec. */
    public static Topology build(Topics topics, OrchestratorSettings settings) {
        return build(topics, settings, SpecLoader.defaultSpec());
    }

    /** The topology running {@code spec}'s pipeline, without the response cache or a canary. */
    public static Topology build(Topics topics, OrchestratorSettings settings, PipelineSpec spec) {
        return build(topics, settings, spec, CachePolicy.disabled(), CacheStore.NONE);
    }

    /**
     * The topology running {@code spec}'s pipeline, answering stages from {@code cache} where {@code cachePolicy}
     * allows, without a canary: every task runs on baseline. The cache is read before a stage is requested, so a hit
     * costs no request hop.
     */
    public static Topology build(Topics topics, OrchestratorSettings settings, PipelineSpec spec,
            CachePolicy cachePolicy, CacheStore cache) {
        return build(topics, settings, spec, variant -> cachePolicy, cache, () -> CanaryState.INITIAL);
    }

    /**
     * The topology running {@code spec}'s pipeline and its release variants: a task accepted from a canary partition
     * of {@code tasks} (as {@code canary} says at that moment) runs the canary variant's overlay of the spec, and its
     * requests go to that variant's persona topics. Stages are answered from {@code cache} where each variant's
     * cache policy allows.
     *
     * @param cachePolicies the cache policy of each variant's tasks, by variant name
     * @param canary the canary's settings in force, asked at every task's acceptance (cheap, thread-safe)
     */
    public static Topology build(Topics topics, OrchestratorSettings settings, PipelineSpec spec,
            Function<String, CachePolicy> cachePolicies, CacheStore cache, Supplier<CanaryState> canary) {
        Topology topology = new Topology();
        topology.addSource("tasks-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.tasks().name());
        topology.addSource("persona-results-source", Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(), topics.personaResults().name());
        topology.addProcessor(STATE_MACHINE, () -> new TaskProcessor(topics, settings,
                        lifecycles(settings, spec, cachePolicies, cache), cache, canary),
                "tasks-source", "persona-results-source");

        topology.addStateStore(Stores.keyValueStoreBuilder(
                store(TASK_STORE, settings), Serdes.String(),
                AvroSerde.specific(TaskState.class, topics.registry(), false)), STATE_MACHINE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                store(TIMER_STORE, settings), Serdes.String(), Serdes.String()), STATE_MACHINE);

        Serializer<PersonaRequest> requests =
                topics.persona(spec.stages().getFirst().persona()).valueSerde().serializer();
        topology.addSink(REQUESTS_SINK,
                (key, request, context) -> topics.persona(((PersonaRequest) request).getPersona(),
                        ((PersonaRequest) request).getVariant()).name(),
                Serdes.String().serializer(), erase(requests), STATE_MACHINE);
        topology.addSink(RESULTS_SINK, topics.results().name(), Serdes.String().serializer(),
                erase(topics.results().valueSerde().serializer()), STATE_MACHINE);
        topology.addSink(LEDGER_SINK, topics.ledger().name(), Serdes.String().serializer(),
                erase(topics.ledger().valueSerde().serializer()), STATE_MACHINE);
        topology.addSink(DLQ_SINK, topics.dlq().name(), erase(Serdes.ByteArray().serializer()),
                erase(Serdes.ByteArray().serializer()), STATE_MACHINE);
        return topology;
    }

    /** A lifecycle per variant: baseline's for the spec, one per release for its overlay of the spec. */
    private static Map<String, TaskLifecycle> lifecycles(OrchestratorSettings settings, PipelineSpec spec,
            Function<String, CachePolicy> cachePolicies, CacheStore cache) {
        Map<String, TaskLifecycle> lifecycles = new HashMap<>();
        lifecycles.put(ControlSettings.BASELINE,
                new TaskLifecycle(settings, spec, cachePolicies.apply(ControlSettings.BASELINE), cache));
        spec.releases().forEach((name, release) -> lifecycles.put(name, new TaskLifecycle(release.mode() == null
                ? settings : settings.withDefaultMode(Mode.parse(release.mode()).orElseThrow()),
                spec.forRelease(name), cachePolicies.apply(name), cache, name)));
        return lifecycles;
    }

    private static KeyValueBytesStoreSupplier store(String name, OrchestratorSettings settings) {
        return settings.inMemoryStores() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }

    /**
     * The state machine forwards several value types to several sinks; each sink only ever receives the type
     * its serializer was built for, which the processor guarantees by forwarding to named children.
     */
    @SuppressWarnings("unchecked")
    private static Serializer<Object> erase(Serializer<?> serializer) {
        return (Serializer<Object>) serializer;
    }
}
