package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline on a real broker and registry: orchestrator, workers and simulated models in this JVM. */
@WithLocalStack
class PipelineIntegrationTest {

    private PipelineHarness harness;

    @BeforeEach
    void setUp(TestStack stack) throws Exception {
        harness = new PipelineHarness(stack);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void twoHundredParallelAndTwoHundredSequentialTasksEachEndWithExactlyOneResultAndACompleteLedger() throws Exception {
        try (DialecticService service = harness.startService()) {
            List<Task> tasks = new ArrayList<>();
            IntStream.range(0, 200).forEach(i -> tasks.add(PipelineHarness.task("p-" + i, "parallel goal " + i, "parallel")));
            IntStream.range(0, 200).forEach(i -> tasks.add(PipelineHarness.task("s-" + i, "sequential goal " + i, "sequential")));
            harness.submit(tasks);

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= 400);
            List<SynthesisResult> results = harness.results();
            assertThat(results).hasSize(400);
            assertThat(results).extracting(SynthesisResult::getTaskId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::getTaskId).toList());
            assertThat(results).allSatisfy(r -> {
                assertThat(r.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
                assertThat(r.getText()).startsWith("Synthesis:");
                assertThat(r.getMode()).isEqualTo(r.getTaskId().startsWith("p-") ? "parallel" : "sequential");
            });

            Map<String, TaskLedger> ledgers = harness.ledgers();
            assertThat(ledgers).hasSize(400);
            assertThat(ledgers.values()).allSatisfy(PipelineIntegrationTest::assertComplete);
        }
    }

    @Test
    void parallelModeIsClearlyFasterThanSequentialAndCloseToTheCriticalPath() throws Exception {
        // antithesis twice as slow as thesis: ideal parallel = 3 + 1.5 s, sequential = 1.5 + 3 + 1.5 s
        harness.settings.put("simulated.thesis.latency.ms", "1500");
        harness.settings.put("simulated.antithesis.latency.ms", "3000");
        harness.settings.put("simulated.synthesis.latency.ms", "1500");
        try (DialecticService service = harness.startWarmService()) {
            List<Task> parallel = IntStream.range(0, 30)
                    .mapToObj(i -> PipelineHarness.task("par-" + i, "goal " + i, "parallel")).toList();
            List<Task> sequential = IntStream.range(0, 30)
                    .mapToObj(i -> PipelineHarness.task("seq-" + i, "goal " + i, "sequential")).toList();
            harness.submit(parallel);
            harness.submit(sequential);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= 61);

            Map<String, TaskLedger> ledgers = harness.ledgers();
            double parallelMean = meanLatency(ledgers, "par-");
            double sequentialMean = meanLatency(ledgers, "seq-");
            double idealParallel = ledgers.values().stream().filter(l -> l.getTaskId().startsWith("par-"))
                    .mapToLong(PipelineIntegrationTest::criticalPathMillis).average().orElseThrow();

            assertThat(idealParallel).isBetween(4400.0, 4800.0);
            assertThat(parallelMean).as("parallel mean vs sequential mean %.0f ms", sequentialMean)
                    .isLessThan(sequentialMean - 750);
            assertThat(parallelMean).as("parallel mean vs its ideal critical path %.0f ms", idealParallel)
                    .isLessThan(idealParallel * 1.35);
        }
    }

    @Test
    void badTasksLandInTheDlqWithReasonsWhileGoodOnesComplete() throws Exception {
        try (DialecticService service = harness.startService()) {
            harness.sendRaw("garbage", "{not avro}".getBytes(StandardCharsets.UTF_8)).get();
            List<Task> tasks = new ArrayList<>();
            tasks.add(PipelineHarness.task("empty", " ", null));
            tasks.add(PipelineHarness.task("huge", "x".repeat(8_001), null));
            tasks.add(PipelineHarness.task("turbo", "a goal", "turbo"));
            IntStream.range(0, 20).forEach(i -> tasks.add(PipelineHarness.task("good-" + i, "goal " + i, null)));
            harness.submit(tasks);

            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= 20);
            assertThat(harness.results()).extracting(SynthesisResult::getTaskId)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 20).mapToObj(i -> "good-" + i).toList());

            List<ConsumerRecord<String, byte[]>> dlq =
                    harness.readAll(harness.topics.dlq().name(), Serdes.ByteArray().deserializer());
            Map<String, String> reasons = dlq.stream().collect(Collectors.toMap(ConsumerRecord::key,
                    r -> DeadLetters.header(r.headers(), DeadLetters.REASON).orElseThrow()));
            assertThat(reasons).containsOnlyKeys("garbage", "empty", "huge", "turbo");
            assertThat(reasons.get("garbage")).contains("not a decodable Task");
            assertThat(reasons.get("empty")).isEqualTo("goal is empty");
            assertThat(reasons.get("huge")).contains("8001 characters");
            assertThat(reasons.get("turbo")).contains("unknown mode 'turbo'");
            assertThat(dlq).allSatisfy(r -> assertThat(DeadLetters.header(r.headers(), DeadLetters.COMPONENT))
                    .contains("orchestrator"));
        }
    }

    @Test
    void aTaskThatCannotFinishInTimeEndsWithAFailureResult() throws Exception {
        harness.settings.put("simulated.synthesis.latency.ms", "5000");
        try (DialecticService service = harness.startWarmService()) {
            Task slow = PipelineHarness.task("slow", "goal", null);
            slow.setTimeoutMs(1_500L);
            harness.submit(List.of(slow));
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.results().size() == 2);
            SynthesisResult result = harness.results().stream().filter(r -> r.getTaskId().equals("slow")).findFirst()
                    .orElseThrow();
            assertThat(result.getStatus()).isEqualTo(ResultStatus.PARTIAL);
            assertThat(result.getReason()).contains("deadline").contains("synthesis");
        }
    }

    static void assertComplete(TaskLedger ledger) {
        assertThat(ledger.getStatus()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(ledger.getFinishedAt()).isNotNull();
        assertThat(ledger.getStages()).hasSize(3).allSatisfy(stage -> {
            assertThat(stage.getStatus()).isEqualTo(StageStatus.SUCCEEDED);
            assertThat(stage.getRequestedAt()).isNotNull();
            assertThat(stage.getStartedAt()).isNotNull();
            assertThat(stage.getFirstTokenAt()).isNotNull();
            assertThat(stage.getFinishedAt()).isAfterOrEqualTo(stage.getStartedAt());
            assertThat(stage.getOutputTokens()).isPositive();
            assertThat(stage.getModel()).isNotBlank();
        });
    }

    static double meanLatency(Map<String, TaskLedger> ledgers, String idPrefix) {
        return ledgers.values().stream().filter(l -> l.getTaskId().startsWith(idPrefix))
                .mapToLong(l -> l.getFinishedAt().toEpochMilli() - l.getSubmittedAt().toEpochMilli())
                .average().orElseThrow();
    }

    /** max(thesis, antithesis) + synthesis, from the stage durations the workers measured. */
    static long criticalPathMillis(TaskLedger ledger) {
        Map<String, Long> durations = ledger.getStages().stream().collect(Collectors.toMap(StageTiming::getStage,
                s -> s.getFinishedAt().toEpochMilli() - s.getStartedAt().toEpochMilli()));
        return Math.max(durations.get("thesis"), durations.get("antithesis")) + durations.get("synthesis");
    }

    static StageTiming stage(TaskLedger ledger, String name) {
        return ledger.getStages().stream().filter(s -> s.getStage().equals(name)).findFirst().orElseThrow();
    }
}
