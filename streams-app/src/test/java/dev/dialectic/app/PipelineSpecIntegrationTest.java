package dev.dialectic.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines declared by a spec file, on a real broker and registry, with the workers and models in this JVM. */
@WithLocalStack
class PipelineSpecIntegrationTest {

    /** An OpenAI-compatible server whose antithesis fails unless it is shown a thesis. */
    @RegisterExtension
    static WireMockExtension model = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private PipelineHarness harness;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp(TestStack stack) throws Exception {
        harness = new PipelineHarness(stack);
        harness.settings.put(DialecticConfig.WORKER_CONSUMERS, "4"); // one process serves every persona here
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void threeCriticsJoinInOneSynthesisRoutedByResonanceAndJudgedTwice() throws Exception {
        harness.settings.put(DialecticConfig.PIPELINE_SPEC, spec("critics.yaml", """
                personas:
                  critic-cost: {system.prompt: You weigh the cost.}
                  critic-risk: {system.prompt: You weigh the risks.}
                  critic-users: {system.prompt: You weigh what users get.}
                  synthesis:
                    prompt: "Goal: {goal}\\nCost: {input.cost}\\nRisk: {input.risk}\\nUsers: {input.users}\\n{feedback}"
                  synthesis-calm: {}
                stages:
                  - {name: cost, persona: critic-cost}
                  - {name: risk, persona: critic-risk}
                  - {name: users, persona: critic-users}
                  - name: synthesis
                    persona: synthesis
                    inputs: [cost, risk, users]
                    variants:
                      - {persona: synthesis-calm, resonance: {tone: calm, pace: slow}}
                policies:
                  gate: {max.chars: 60, max.passes: 1}
                """));
        try (DialecticService service = harness.startService()) {
            harness.submit(List.of(
                    task("plain", Map.of()),
                    task("calm", Map.of("resonance_key", "Calm_Slow")),
                    task("odd", Map.of("tone", "grumpy"))));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> harness.results().size() >= 3);
            Map<String, SynthesisResult> results = harness.results().stream()
                    .collect(Collectors.toMap(SynthesisResult::getTaskId, Function.identity()));
            Map<String, TaskLedger> ledgers = harness.ledgers();

            SynthesisResult plain = results.get("plain");
            assertThat(plain.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(plain.getOutputs()).containsOnlyKeys("cost", "risk", "users", "synthesis");
            assertThat(plain.getText()).startsWith("Synthesis:");
            assertThat(plain.getVerdict()).isEqualTo("failed");
            TaskLedger ledger = ledgers.get("plain");
            assertThat(ledger.getStages()).extracting(StageTiming::getStage, StageTiming::getStatus).containsExactly(
                    tuple("cost", StageStatus.SUCCEEDED), tuple("risk", StageStatus.SUCCEEDED),
                    tuple("users", StageStatus.SUCCEEDED), tuple("synthesis", StageStatus.SUCCEEDED));
            assertThat(ledger.getStages().getLast().getAttempts()).as("a second pass after the failed verdict")
                    .isEqualTo(2);
            assertThat(ledger.getVerdicts()).hasSize(2).allSatisfy(line ->
                    assertThat(line).containsPattern("^pass [12] failed by rules: The answer has \\d+ characters;"
                            + " at most 60 are allowed\\.$"));

            StageTiming calm = ledgers.get("calm").getStages().getLast();
            assertThat(calm.getPersona()).isEqualTo("synthesis-calm");
            assertThat(calm.getModel()).as("served by that persona's worker").isEqualTo("simulated-synthesis-calm");
            assertThat(results.get("calm").getText()).startsWith("Synthesis-calm:");
            assertThat(ledgers.get("calm").getResonance()).isEqualTo(Map.of("tone", "calm", "pace", "slow"));

            assertThat(ledgers.get("odd").getStages().getLast().getPersona()).isEqualTo("synthesis");
            assertThat(ledgers.get("odd").getNotes()).containsExactly("tone 'grumpy' is unknown; ignored");
            assertThat(results.get("odd").getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        }
    }

    @Test
    void aParallelTaskWhoseAntithesisFailsFallsBackToTheSequentialChainAndSucceeds() throws Exception {
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1).withRequestBody(containing("Thesis:"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                        .withBody(sse("The thesis overlooks the cost of running it."))));
        model.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(2)
                .willReturn(aResponse().withStatus(503).withBody("overloaded")));
        harness.settings.put(DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS, "1");
        harness.settings.put(DialecticConfig.PIPELINE_SPEC, spec("fallback.yaml", """
                personas:
                  thesis: {}
                  antithesis: {provider: openai, model: stub, base.url: "%s/v1"}
                  synthesis: {}
                stages:
                  - {name: thesis, persona: thesis}
                  - {name: antithesis, persona: antithesis}
                  - {name: synthesis, persona: synthesis, inputs: [thesis, antithesis]}
                policies:
                  fallback: {enabled: true}
                """.formatted(model.baseUrl())));
        try (DialecticService service = harness.startService()) {
            harness.submit(List.of(PipelineHarness.task("fb", "Should we run our own Kafka?", "parallel")));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !harness.results().isEmpty());

            SynthesisResult result = harness.results().getFirst();
            assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(result.getFellBack()).isTrue();
            assertThat(result.getMode()).isEqualTo("sequential");
            assertThat(result.getOutputs()).containsEntry("antithesis", "The thesis overlooks the cost of running it.");
            TaskLedger ledger = harness.ledgers().get("fb");
            assertThat(ledger.getRequestedMode()).isEqualTo("parallel");
            assertThat(ledger.getFallbackStage()).isEqualTo("antithesis");
            assertThat(ledger.getFallbackReason()).contains("503");
            assertThat(ledger.getStages().get(1).getAttempts()).isEqualTo(2);
            model.verify(moreThanOrExactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions"))
                    .withRequestBody(notContaining("Thesis:")));
            model.verify(moreThanOrExactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions"))
                    .withRequestBody(containing("Thesis:")));
        }
    }

    private String spec(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml).toString();
    }

    private static Task task(String id, Map<String, String> attributes) {
        Task task = PipelineHarness.task(id, "Should our team adopt event sourcing?", null);
        task.setAttributes(new HashMap<>(attributes));
        return task;
    }

    /** A streamed chat completion answering {@code text}. */
    private static String sse(String text) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"stub\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    }
}
