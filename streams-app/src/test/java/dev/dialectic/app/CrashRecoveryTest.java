package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** kill -9 of the whole service mid-run: after a restart every task still ends with exactly one result. */
@WithLocalStack
class CrashRecoveryTest {

    private PipelineHarness harness;

    @BeforeEach
    void setUp(TestStack stack) throws Exception {
        harness = new PipelineHarness(stack);
        harness.settings.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.2"); // ~1 s, 2.2 s, 2.8 s per stage
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void everyTaskEndsWithExactlyOneResultAfterTheServiceIsKilledAndRestarted() throws Exception {
        // Few calls at once, so the 100 tasks take a while and the kill lands mid-run on any machine.
        harness.settings.put(DialecticConfig.WORKER_MAX_IN_FLIGHT, "8");
        harness.settings.put(DialecticConfig.WORKER_CONSUMERS, "4");
        harness.settings.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.05");
        Process first = harness.startApp("first", List.of("-Xmx512m"), Map.of());
        List<Task> tasks = IntStream.range(0, 100)
                .mapToObj(i -> PipelineHarness.task("crash-" + i, "goal " + i, i % 2 == 0 ? "parallel" : "sequential"))
                .toList();
        harness.submit(tasks);

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> harness.results().size() >= 10);
        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no commit, no acknowledgement
        int beforeRestart = harness.results().size();
        assertThat(beforeRestart).as("killed mid-run").isLessThan(100);

        harness.startApp("second", List.of("-Xmx512m"), Map.of());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> harness.results().size() >= 100);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                .until(() -> harness.results().size() == 100);

        List<SynthesisResult> results = harness.results();
        assertThat(results).extracting(SynthesisResult::getTaskId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::getTaskId).toList());
        assertThat(results).extracting(SynthesisResult::getStatus).containsOnly(ResultStatus.SUCCEEDED);
        assertThat(harness.ledgers().values()).hasSize(100).allSatisfy(PipelineIntegrationTest::assertComplete);
    }
}
