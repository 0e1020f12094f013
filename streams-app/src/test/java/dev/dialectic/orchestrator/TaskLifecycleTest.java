package dev.dialectic.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lifecycle on its own: every rule and policy as (state, event, now) → transition, no Kafka. */
class TaskLifecycleTest {

    private static final long T0 = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final OrchestratorSettings SETTINGS = new OrchestratorSettings(Mode.PARALLEL,
            Duration.ofSeconds(60), 100, 1000, Duration.ofHours(1), Duration.ofMillis(100), true,
            Duration.ofSeconds(20), 3);

    private static PipelineSpec spec(String policies) {
        return SpecLoader.parse("test.yaml", """
                personas:
                  thesis: {}
                  antithesis: {}
                  synthesis: {}
                  synthesis-calm: {}
                  judge: {}
                stages:
                  - {name: thesis, persona: thesis}
                  - {name: antithesis, persona: antithesis}
                  - name: synthesis
                    persona: synthesis
                    inputs: [thesis, antithesis]
                    variants:
                      - {persona: synthesis-calm, resonance: {tone: calm}}
                """ + policies);
    }

    private TaskLifecycle lifecycle = new TaskLifecycle(SETTINGS, SpecLoader.defaultSpec());
    private TaskState state;

    /** Feeds a transition's state back, as the processor's store would. */
    private Transition step(Transition transition) {
        if (transition.state() != null) {
            state = transition.state();
        }
        return transition;
    }

    private Transition submit(Task task) {
        return step(lifecycle.onTask(task.getTaskId(), task, state, T0));
    }

    private Transition answer(String stage, int attempt, String text) {
        return step(lifecycle.onResult(state, result(stage, attempt, text), T0 + 1_000));
    }

    private Transition fail(String stage, int attempt, String error) {
        PersonaResult failed = result(stage, attempt, null);
        failed.setStatus(ResultStatus.FAILED);
        failed.setError(error);
        return step(lifecycle.onResult(state, failed, T0 + 1_000));
    }

    private TaskLedger ledger() {
        return state.getLedger();
    }

    private StageTiming stage(String name) {
        return ledger().getStages().stream().filter(s -> s.getStage().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aParallelTaskFansOutJoinsAndEndsWithOneResult() {
        Transition accepted = submit(task("t", "Adopt Kafka?", null, Map.of()));
        assertThat(accepted.requests()).extracting(PersonaRequest::getStage).containsExactly("thesis", "antithesis");
        assertThat(accepted.scheduled()).containsExactly(Timer.deadline(T0 + 60_000, "t"),
                Timer.attempt(T0 + 20_000, "t", "thesis", 1), Timer.attempt(T0 + 20_000, "t", "antithesis", 1));
        assertThat(ledger().getTransitions()).isEqualTo(1);

        assertThat(answer("thesis", 1, "pro").requests()).as("the join waits for every input").isEmpty();
        assertThat(answer("antithesis", 1, "contra").requests()).singleElement().satisfies(r ->
                assertThat(r.getInputs()).extracting(PersonaInput::getStage, PersonaInput::getText)
                        .containsExactly(tuple("thesis", "pro"), tuple("antithesis", "contra")));
        Transition done = answer("synthesis", 1, "balanced");
        assertThat(done.result().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(done.result().getVerdict()).isEqualTo("passed");
        assertThat(done.result().getFellBack()).isFalse();
        assertThat(done.cancelled()).containsExactly(Timer.deadline(T0 + 60_000, "t"));
        assertThat(done.scheduled()).containsExactly(Timer.purge(T0 + 1_000 + 3_600_000, "t"));
        assertThat(ledger().getVerdicts()).containsExactly("pass 1 passed by rules");
        assertThat(ledger().getTransitions()).isEqualTo(4);
        assertThat(state.getResult()).as("kept for lookups by id until the task is purged").isEqualTo(done.result());
        assertThat(state.getOutputs()).as("the outputs live on in the result only").isEmpty();
    }

    @Test
    void duplicatesAreIgnoredAndUnknownStagesRejected() {
        submit(task("t", "goal", null, Map.of()));
        assertThat(lifecycle.onTask("t", task("t", "again", null, Map.of()), state, T0)).isEqualTo(Transition.ignored());
        answer("thesis", 1, "pro");
        assertThat(answer("thesis", 1, "pro again")).isEqualTo(Transition.ignored());
        assertThat(answer("antithesis", 7, "from the future")).isEqualTo(Transition.ignored());
        assertThat(lifecycle.onResult(state, result("critique", 1, "x"), T0).rejection())
                .isEqualTo("result names stage 'critique', which task t does not have");
        assertThat(lifecycle.onResult(null, result("thesis", 1, "x"), T0)).isEqualTo(Transition.ignored());
        assertThat(lifecycle.onTask("other", task("t", "goal", null, Map.of()), null, T0).rejection())
                .isEqualTo("record key 'other' differs from taskId 't'");
    }

    @Test
    void adaptiveModeRunsSimpleTasksInParallelAndComplexOnesSequentiallyAndRecordsWhy() {
        Transition simple = submit(task("s", "Adopt Kafka?", "adaptive", Map.of()));
        assertThat(simple.requests()).extracting(PersonaRequest::getStage).containsExactly("thesis", "antithesis");
        assertThat(ledger().getMode()).isEqualTo("parallel");
        assertThat(ledger().getRequestedMode()).isEqualTo("adaptive");
        assertThat(ledger().getComplexity()).isEqualTo(1.2);
        assertThat(ledger().getNotes()).containsExactly("adaptive: complexity 1.2 (estimate) < 5.0: parallel");

        state = null;
        Transition complex = submit(task("c", "Adopt Kafka?", "adaptive", Map.of("complexity", "8")));
        assertThat(complex.requests()).extracting(PersonaRequest::getStage).containsExactly("thesis");
        assertThat(ledger().getMode()).isEqualTo("sequential");
        assertThat(ledger().getComplexity()).isEqualTo(8.0);
        assertThat(ledger().getNotes()).containsExactly("adaptive: complexity 8.0 (attribute) >= 5.0: sequential");
        assertThat(answer("thesis", 1, "pro").requests()).singleElement()
                .satisfies(r -> assertThat(r.getStage()).isEqualTo("antithesis"));
    }

    @Test
    void aFailedParallelStageFallsBackToTheSequentialChainAndTheResultSaysSo() {
        submit(task("f", "goal", null, Map.of()));
        assertThat(fail("antithesis", 1, "gave up after 4 attempt(s): 503").requests())
                .as("the antithesis waits for the thesis now").isEmpty();
        assertThat(ledger().getMode()).isEqualTo("sequential");
        assertThat(ledger().getRequestedMode()).isEqualTo("parallel");
        assertThat(ledger().getFallbackStage()).isEqualTo("antithesis");
        assertThat(ledger().getFallbackReason()).isEqualTo("gave up after 4 attempt(s): 503");
        assertThat(ledger().getFellBackAt()).isEqualTo(Instant.ofEpochMilli(T0 + 1_000));
        assertThat(stage("antithesis").getStatus()).isEqualTo(StageStatus.PENDING);

        PersonaRequest again = answer("thesis", 1, "pro").requests().getFirst();
        assertThat(again.getStage()).isEqualTo("antithesis");
        assertThat(again.getAttempt()).isEqualTo(2);
        assertThat(again.getInputs()).extracting(PersonaInput::getText).containsExactly("pro");
        assertThat(fail("antithesis", 1, "a late duplicate of the failure")).isEqualTo(Transition.ignored());
        answer("antithesis", 2, "contra");
        SynthesisResult result = answer("synthesis", 1, "both").result();
        assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(result.getFellBack()).isTrue();
        assertThat(result.getMode()).isEqualTo("sequential");
    }

    @Test
    void withoutFallbackOrInSequentialModeAFailedStageEndsTheTask() {
        lifecycle = new TaskLifecycle(SETTINGS, spec("policies: {fallback: {enabled: false}}"));
        submit(task("n", "goal", null, Map.of()));
        answer("thesis", 1, "pro");
        SynthesisResult partial = fail("antithesis", 1, "503").result();
        assertThat(partial.getStatus()).isEqualTo(ResultStatus.PARTIAL);
        assertThat(partial.getReason()).isEqualTo("stage antithesis failed: 503");
        assertThat(partial.getFellBack()).isFalse();

        lifecycle = new TaskLifecycle(SETTINGS, SpecLoader.defaultSpec());
        state = null;
        submit(task("s", "goal", "sequential", Map.of()));
        assertThat(fail("thesis", 1, "503").result().getStatus()).isEqualTo(ResultStatus.FAILED);

        state = null;
        submit(task("p", "goal", null, Map.of()));
        answer("thesis", 1, "pro");
        answer("antithesis", 1, "contra");
        assertThat(fail("synthesis", 1, "503").result().getStatus())
                .as("the final stage does not fall back").isEqualTo(ResultStatus.PARTIAL);
    }

    @Test
    void aFailedVerdictGetsASecondPassWithTheFeedbackAndRepeatsOfTheJudgedAnswerDoNotCount() {
        lifecycle = new TaskLifecycle(SETTINGS, spec("policies: {gate: {min.chars: 10}}"));
        submit(task("g", "goal", null, Map.of()));
        answer("thesis", 1, "pro");
        answer("antithesis", 1, "contra");
        Transition judged = answer("synthesis", 1, "short");
        assertThat(judged.result()).isNull();
        PersonaRequest second = judged.requests().getFirst();
        assertThat(second.getAttempt()).isEqualTo(2);
        assertThat(second.getInputs()).extracting(PersonaInput::getStage, PersonaInput::getText).containsExactly(
                tuple("thesis", "pro"), tuple("antithesis", "contra"),
                tuple("feedback", "The answer has 5 characters; at least 10 are needed."));
        assertThat(ledger().getVerdicts())
                .containsExactly("pass 1 failed by rules: The answer has 5 characters; at least 10 are needed.");

        assertThat(answer("synthesis", 1, "short")).as("a repeat of the judged answer").isEqualTo(Transition.ignored());
        SynthesisResult result = answer("synthesis", 2, "long enough now").result();
        assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(result.getText()).isEqualTo("long enough now");
        assertThat(result.getVerdict()).isEqualTo("passed");
        assertThat(ledger().getVerdicts()).hasSize(2).last().isEqualTo("pass 2 passed by rules");
    }

    @Test
    void anAnswerFailingEveryPassEndsWithTheFailedVerdict() {
        lifecycle = new TaskLifecycle(SETTINGS, spec("policies: {gate: {max.chars: 3, max.passes: 1}}"));
        submit(task("g", "goal", null, Map.of()));
        answer("thesis", 1, "pro");
        answer("antithesis", 1, "con");
        answer("synthesis", 1, "too long");
        SynthesisResult result = answer("synthesis", 2, "still long").result();
        assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(result.getVerdict()).isEqualTo("failed");
        assertThat(result.getVerdictFeedback()).isEqualTo("The answer has 10 characters; at most 3 are allowed.");
        assertThat(ledger().getVerdicts()).hasSize(2);
    }

    @Test
    void aJudgePersonaGivesTheVerdictAfterTheRules() {
        lifecycle = new TaskLifecycle(SETTINGS, spec("policies: {gate: {judge: judge}}"));
        submit(task("j", "goal", null, Map.of()));
        assertThat(stage("gate").getPersona()).isEqualTo("judge");
        answer("thesis", 1, "pro");
        answer("antithesis", 1, "contra");
        PersonaRequest ask = answer("synthesis", 1, "first answer").requests().getFirst();
        assertThat(ask.getStage()).isEqualTo("gate");
        assertThat(ask.getPersona()).isEqualTo("judge");
        assertThat(ask.getInputs()).extracting(PersonaInput::getStage)
                .containsExactly("synthesis", "thesis", "antithesis");

        PersonaRequest again = answer("gate", 1, "FAIL: weigh the costs").requests().getFirst();
        assertThat(again.getStage()).isEqualTo("synthesis");
        assertThat(again.getInputs().getLast().getText()).isEqualTo("weigh the costs");
        assertThat(answer("synthesis", 2, "second answer").requests()).singleElement()
                .satisfies(r -> assertThat(r.getAttempt()).isEqualTo(2));
        assertThat(answer("gate", 1, "FAIL: a repeat")).isEqualTo(Transition.ignored());
        SynthesisResult result = answer("gate", 2, "PASS. Balanced.").result();
        assertThat(result.getVerdict()).isEqualTo("passed");
        assertThat(result.getVerdictFeedback()).isEqualTo("Balanced.");
        assertThat(ledger().getVerdicts()).containsExactly("pass 1 passed by rules",
                "pass 1 failed by judge: weigh the costs", "pass 2 passed by rules", "pass 2 passed by judge: Balanced.");
    }

    @Test
    void aFailingJudgeCountsAsAPass() {
        lifecycle = new TaskLifecycle(SETTINGS, spec("policies: {gate: {judge: judge}}"));
        submit(task("j", "goal", null, Map.of()));
        answer("thesis", 1, "pro");
        answer("antithesis", 1, "contra");
        answer("synthesis", 1, "answer");
        SynthesisResult result = fail("gate", 1, "model gone").result();
        assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(result.getVerdict()).isEqualTo("passed");
        assertThat(result.getVerdictFeedback()).isEqualTo("the judge failed (model gone); counted as a pass");
    }

    @Test
    void resonanceRoutesAStageToItsVariantAndNotesWhatItIgnored() {
        lifecycle = new TaskLifecycle(SETTINGS, spec(""));
        submit(task("r", "goal", null, Map.of("resonance_key", "Calm-grumpy")));
        assertThat(stage("synthesis").getPersona()).isEqualTo("synthesis-calm");
        assertThat(ledger().getResonance()).containsExactlyEntriesOf(Map.of("tone", "calm"));
        assertThat(ledger().getNotes()).containsExactly("resonance value 'grumpy' is unknown; ignored",
                "routed synthesis to synthesis-calm by resonance {tone=calm}");
        answer("thesis", 1, "pro");
        assertThat(answer("antithesis", 1, "contra").requests()).singleElement()
                .satisfies(r -> assertThat(r.getPersona()).isEqualTo("synthesis-calm"));

        state = null;
        submit(task("d", "goal", null, Map.of("tone", "furious")));
        assertThat(stage("synthesis").getPersona()).as("nothing matches: the default").isEqualTo("synthesis");
        assertThat(ledger().getNotes()).containsExactly("tone 'furious' is unknown; ignored");
    }

    @Test
    void deadlinesEndTasksAndRetentionForgetsThem() {
        submit(task("d", "goal", null, Map.of()));
        answer("thesis", 1, "pro");
        Transition expired = step(lifecycle.onTimer(state, Timer.deadline(T0 + 60_000, "d"), T0 + 60_000));
        assertThat(expired.result().getStatus()).isEqualTo(ResultStatus.PARTIAL);
        assertThat(expired.result().getReason()).isEqualTo("deadline of PT1M exceeded while waiting for antithesis");
        assertThat(ledger().getStatus()).isEqualTo(TaskStatus.PARTIAL);
        assertThat(lifecycle.onTimer(state, Timer.deadline(T0 + 60_000, "d"), T0 + 60_001))
                .as("a finished task has no deadline").isEqualTo(Transition.ignored());
        assertThat(lifecycle.onTimer(state, Timer.purge(T0 + 99, "d"), T0 + 99)).isEqualTo(Transition.forgotten("d"));
    }

    @Test
    void anUnansweredAttemptIsAskedForAgainUntilTheAttemptsRunOut() {
        submit(task("a", "goal", null, Map.of()));
        Transition again = step(lifecycle.onTimer(state, Timer.attempt(T0 + 20_000, "a", "thesis", 1), T0 + 20_000));
        assertThat(again.requests()).extracting(PersonaRequest::getAttempt).containsExactly(2);
        assertThat(again.scheduled()).containsExactly(Timer.attempt(T0 + 40_000, "a", "thesis", 2));
        assertThat(stage("thesis").getReRequests()).containsExactly("attempt 1 had no answer after 20000 ms");
        assertThat(lifecycle.onTimer(state, Timer.attempt(T0 + 20_000, "a", "thesis", 1), T0 + 20_001))
                .as("that attempt was replaced").isEqualTo(Transition.ignored());
        step(lifecycle.onTimer(state, Timer.attempt(T0 + 40_000, "a", "thesis", 2), T0 + 40_000));
        SynthesisResult failed = step(lifecycle.onTimer(state, Timer.attempt(T0 + 50_000, "a", "thesis", 3),
                T0 + 50_000)).result();
        assertThat(failed.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(failed.getReason()).startsWith("stage thesis failed: no answer after 3 request(s)");
    }

    static Task task(String id, String goal, String mode, Map<String, String> attributes) {
        return Task.newBuilder().setTaskId(id).setGoal(goal).setMode(mode).setContext(null).setTimeoutMs(null)
                .setSubmittedAt(Instant.ofEpochMilli(T0)).setAttributes(new HashMap<>(attributes)).build();
    }

    static PersonaResult result(String stage, int attempt, String text) {
        return PersonaResult.newBuilder()
                .setTaskId("t").setStage(stage).setPersona(stage).setAttempt(attempt)
                .setStatus(ResultStatus.SUCCEEDED).setText(text).setError(null)
                .setProvider("test").setModel("m").setWorkerId("w")
                .setStartedAt(Instant.ofEpochMilli(T0)).setFirstTokenAt(null).setFinishedAt(Instant.ofEpochMilli(T0))
                .setInputTokens(1).setOutputTokens(2).setCallAttempts(1).setDeliveryCount(1).setCacheHit(false)
                .setUnserved(false)
                .build();
    }
}
