package dev.dialectic.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStats;
import dev.dialectic.cache.CacheStore;
import dev.dialectic.cache.LocalCache;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskState;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lifecycle with a response cache: hits instead of requests, the fast path, what is kept and what bypasses. */
class TaskLifecycleCacheTest {

    private static final long T0 = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final OrchestratorSettings SETTINGS = new OrchestratorSettings(Mode.PARALLEL,
            Duration.ofSeconds(60), 100, 1000, Duration.ofHours(1), Duration.ofMillis(100), true,
            Duration.ofSeconds(20), 3);

    private LocalCache cache;
    private TaskLifecycle lifecycle;
    private final Map<String, TaskState> states = new HashMap<>();

    private void use(PipelineSpec spec) {
        CachePolicy policy = CachePolicy.of(spec, "simulated", true);
        cache = new LocalCache(policy, new CacheStats());
        lifecycle = new TaskLifecycle(SETTINGS, spec, policy, cache);
    }

    /** Applies a transition as the processor does: stores the state and writes the cache entries. */
    private Transition step(String taskId, Transition transition) {
        if (transition.state() != null) {
            states.put(taskId, transition.state());
        }
        transition.cacheWrites().forEach(write -> cache.write(write.key(), write.entry()));
        return transition;
    }

    private Transition submit(String id, String mode, Map<String, String> attributes) {
        Task task = Task.newBuilder().setTaskId(id).setGoal("Adopt Kafka?").setMode(mode).setContext("ten people")
                .setTimeoutMs(null).setSubmittedAt(Instant.ofEpochMilli(T0)).setAttributes(new HashMap<>(attributes))
                .build();
        return step(id, lifecycle.onTask(id, task, null, T0));
    }

    /** A model's answer of {@code stage} that took {@code callMs}. */
    private Transition answer(String id, String stage, int attempt, String text, long callMs) {
        PersonaResult result = PersonaResult.newBuilder()
                .setTaskId(id).setStage(stage).setPersona(stage).setAttempt(attempt)
                .setStatus(ResultStatus.SUCCEEDED).setText(text).setError(null)
                .setProvider("simulated").setModel("m").setWorkerId("w")
                .setStartedAt(Instant.ofEpochMilli(T0 + 10)).setFirstTokenAt(null)
                .setFinishedAt(Instant.ofEpochMilli(T0 + 10 + callMs))
                .setInputTokens(1).setOutputTokens(2).setCallAttempts(1).setDeliveryCount(1).setCacheHit(false)
                .setUnserved(false).build();
        return step(id, lifecycle.onResult(states.get(id), result, T0 + 5_000));
    }

    private StageTiming stage(String id, String name) {
        return states.get(id).getLedger().getStages().stream().filter(s -> s.getStage().equals(name)).findFirst()
                .orElseThrow();
    }

    private void runThroughModels(String id, String mode) {
        submit(id, mode, Map.of());
        assertThat(answer(id, "thesis", 1, "Yes, adopt it.", 1_000).cacheWrites()).hasSize(1);
        assertThat(answer(id, "antithesis", 1, "No, too heavy.", 2_000).cacheWrites()).hasSize(1);
        Transition done = answer(id, "synthesis", 1, "Adopt it, carefully.", 3_000);
        assertThat(done.cacheWrites()).singleElement().satisfies(w -> {
            assertThat(w.entry().getText()).isEqualTo("Adopt it, carefully.");
            assertThat(w.entry().getCallMs()).isEqualTo(3_000);
            assertThat(w.entry().getCreatedAt().toEpochMilli()).isEqualTo(T0 + 5_000);
        });
        assertThat(done.result().getCachedStages()).isEmpty();
    }

    @Test
    void aRepeatedTaskTakesTheFastPathWithoutAnyRequest() {
        use(SpecLoader.defaultSpec());
        runThroughModels("t1", "parallel");

        Transition repeat = submit("t2", "parallel", Map.of());
        assertThat(repeat.requests()).isEmpty();
        assertThat(repeat.cacheWrites()).isEmpty();
        assertThat(repeat.result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(repeat.result().getText()).isEqualTo("Adopt it, carefully.");
        assertThat(repeat.result().getOutputs()).containsEntry("thesis", "Yes, adopt it.");
        assertThat(repeat.result().getCachedStages()).containsExactly("thesis", "antithesis", "synthesis");
        assertThat(repeat.result().getSavedMs()).isEqualTo(6_000);
        assertThat(states.get("t2").getLedger().getStages())
                .extracting(StageTiming::getStage, StageTiming::getStatus, StageTiming::getCacheHit,
                        StageTiming::getSavedMs, StageTiming::getAttempts)
                .containsExactly(tuple("thesis", StageStatus.SUCCEEDED, true, 1_000L, 0),
                        tuple("antithesis", StageStatus.SUCCEEDED, true, 2_000L, 0),
                        tuple("synthesis", StageStatus.SUCCEEDED, true, 3_000L, 0));
        assertThat(states.get("t2").getLedger().getNotes()).contains("fast path: every stage answered from the cache");
        assertThat(cache.stats().persona("synthesis").hits()).isEqualTo(1);
        assertThat(cache.stats().persona("synthesis").misses()).isEqualTo(1);

        assertThat(submit("t3", "sequential", Map.of()).requests()).as("sequential: the antithesis sees the thesis")
                .singleElement().satisfies(request -> {
                    assertThat(request.getStage()).isEqualTo("antithesis");
                    assertThat(request.getInputs()).extracting(PersonaInput::getStage, PersonaInput::getText)
                            .containsExactly(tuple("thesis", "Yes, adopt it."));
                });
        assertThat(stage("t3", "thesis").getCacheHit()).isTrue();
        assertThat(states.get("t3").getCacheKeys()).containsOnlyKeys("antithesis");
    }

    @Test
    void cacheOffAndAnotherTenantAreNotServedAndCacheOffKeepsNothing() {
        use(SpecLoader.defaultSpec());
        runThroughModels("t1", "parallel");

        Transition off = submit("off", "parallel", Map.of("cache", "off"));
        assertThat(off.requests()).extracting(PersonaRequest::getStage).containsExactly("thesis", "antithesis");
        assertThat(states.get("off").getCacheKeys()).isEmpty();
        assertThat(answer("off", "thesis", 1, "Different.", 1_000).cacheWrites()).isEmpty();

        Transition tenant = submit("b", "parallel", Map.of("tenant", "b"));
        assertThat(tenant.requests()).extracting(PersonaRequest::getStage).containsExactly("thesis", "antithesis");
        assertThat(answer("b", "thesis", 1, "Tenant b's thesis.", 1_000).cacheWrites()).hasSize(1);
        assertThat(submit("b2", "parallel", Map.of("tenant", "b", "team", "x")).requests())
                .as("the same tenant is served its own answer").extracting(PersonaRequest::getStage)
                .containsExactly("antithesis");
        assertThat(states.get("b2").getOutputs().get("thesis").getText()).isEqualTo("Tenant b's thesis.");
    }

    @Test
    void anAnswerToTheGatesFeedbackIsNotCached() {
        use(SpecLoader.parse("test.yaml", """
                personas: {thesis: {}, antithesis: {}, synthesis: {}}
                stages:
                  - {name: thesis, persona: thesis}
                  - {name: antithesis, persona: antithesis}
                  - {name: synthesis, persona: synthesis, inputs: [thesis, antithesis]}
                policies: {gate: {min.chars: 10, max.passes: 1}}
                """));
        submit("t", "parallel", Map.of());
        answer("t", "thesis", 1, "Yes, adopt it.", 1_000);
        answer("t", "antithesis", 1, "No, too heavy.", 1_000);
        Transition judged = answer("t", "synthesis", 1, "Short.", 1_000);
        assertThat(judged.cacheWrites()).as("the first pass answered the request").hasSize(1);
        assertThat(judged.requests()).singleElement().satisfies(r -> assertThat(r.getAttempt()).isEqualTo(2));
        assertThat(states.get("t").getCacheKeys()).doesNotContainKey("synthesis");
        Transition second = answer("t", "synthesis", 2, "A longer, better answer.", 1_000);
        assertThat(second.result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(second.cacheWrites()).isEmpty();
    }
}
