package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TokenChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workers under crashes, faults and load, on a real broker and registry. */
@WithLocalStack
class WorkerResilienceTest {

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
    void aWorkerKilledWithAHundredCallsInFlightLosesNothingAndDuplicatesNothing() throws Exception {
        // Long enough that all 100 calls run before the first ends, and that their locks get renewed (every 7.5 s).
        harness.settings.put("simulated.thesis.latency.ms", "20000");
        harness.settings.put("simulated.antithesis.latency.ms", "500");
        harness.settings.put("simulated.synthesis.latency.ms", "500");
        harness.settings.put(DialecticConfig.ROLES, DialecticConfig.ROLE_ORCHESTRATOR);
        Map<String, String> worker = Map.of(DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS);
        try (DialecticService orchestrator = harness.startService()) {
            Process doomed = harness.startApp("doomed-worker", List.of("-Xmx384m"), worker);
            List<Task> tasks = IntStream.range(0, 100)
                    .mapToObj(i -> PipelineHarness.task("kill-" + i, "goal " + i, "parallel")).toList();
            harness.submit(tasks);

            // Every thesis call has streamed its first tokens: 100 calls are in flight in the doomed worker.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                    .until(() -> thesisCallsStreaming().size() >= 100);
            assertThat(harness.results()).isEmpty();
            doomed.destroyForcibly().waitFor();

            harness.startApp("successor-worker", List.of("-Xmx384m"), worker);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= 100);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> harness.results().size() == 100);
            assertThat(harness.results()).extracting(SynthesisResult::getTaskId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::getTaskId).toList());
            assertThat(harness.results()).extracting(SynthesisResult::getStatus).containsOnly(ResultStatus.SUCCEEDED);
        }
    }

    @Test
    void withTwentyPercentInjectedFaultsEveryTaskEndsBeforeItsDeadline() throws Exception {
        harness.settings.put(DialecticConfig.SIMULATED_ERROR_RATE, "0.15");
        harness.settings.put(DialecticConfig.SIMULATED_TIMEOUT_RATE, "0.05");
        // Hung calls end at this timeout; it leaves room for calls that a busy 2-core CI machine slows down, which
        // would otherwise count as failures too and could open the circuit breaker (seen at 3000 ms).
        harness.settings.put(DialecticConfig.WORKER_CALL_TIMEOUT_MS, "5000");
        harness.settings.put(DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS, "3");
        harness.settings.put(DialecticConfig.WORKER_RETRY_INITIAL_BACKOFF_MS, "50");
        harness.settings.put(DialecticConfig.WORKER_RETRY_MAX_BACKOFF_MS, "500");
        // Room for three attempts of each stage after the two previous tests of this class (their worker JVMs,
        // hundreds of share consumers, are killed and leave the broker busy for a while on 2 cores).
        harness.settings.put(DialecticConfig.TASK_TIMEOUT_MS, "40000");
        try (DialecticService service = harness.startService()) {
            List<Task> tasks = IntStream.range(0, 200)
                    .mapToObj(i -> PipelineHarness.task("fault-" + i, "goal " + i, i % 2 == 0 ? "parallel" : "sequential"))
                    .toList();
            harness.submit(tasks);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= 200);

            List<SynthesisResult> results = harness.results();
            assertThat(results).extracting(SynthesisResult::getTaskId).hasSize(200).doesNotHaveDuplicates();
            assertThat(results).allSatisfy(r -> {
                if (r.getStatus() != ResultStatus.SUCCEEDED) {
                    assertThat(r.getReason()).isNotBlank();
                }
            });
            Map<String, TaskLedger> ledgers = harness.ledgers();
            assertThat(ledgers.values()).hasSize(200).allSatisfy(ledger -> assertThat(ledger.getFinishedAt())
                    .as("task %s ended by its deadline", ledger.getTaskId())
                    .isBeforeOrEqualTo(ledger.getDeadlineAt().plusSeconds(2)));
            List<PersonaResult> personaResults = harness.readAll(harness.topics.personaResults()).stream()
                    .map(ConsumerRecord::value).toList();
            assertThat(personaResults).as("faults were injected and retried")
                    .anySatisfy(r -> assertThat(r.getCallAttempts()).isGreaterThan(1));
            Map<String, Long> reasons = results.stream().filter(r -> r.getStatus() != ResultStatus.SUCCEEDED)
                    .collect(Collectors.groupingBy(SynthesisResult::getReason, Collectors.counting()));
            assertThat(results.stream().filter(r -> r.getStatus() == ResultStatus.SUCCEEDED).count())
                    .as("retries absorb most faults; failures: %s", reasons).isGreaterThan(170);
        }
    }

    @Test
    void oneWorkerHoldsFiveHundredConcurrentCallsWithABoundedHeap() throws Exception {
        harness.settings.put("simulated.thesis.latency.ms", "10000");
        harness.settings.put(DialecticConfig.WORKER_PERSONAS, "antithesis,synthesis");
        Map<String, String> thesisWorker = Map.of(
                DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS,
                DialecticConfig.WORKER_PERSONAS, "thesis",
                DialecticConfig.WORKER_ID, "big-worker",
                // Room for more than the 600 tasks: a share consumer that fetched a partial batch (requests become
                // visible at each orchestrator commit) fetches again only when that batch is done.
                DialecticConfig.WORKER_MAX_IN_FLIGHT, "800",
                DialecticConfig.WORKER_CONSUMERS, "80");
        try (DialecticService rest = harness.startService()) {
            Process big = harness.startApp("big-worker", List.of("-Xmx192m", "-XX:+ExitOnOutOfMemoryError"),
                    thesisWorker);
            List<Task> tasks = IntStream.range(0, 600)
                    .mapToObj(i -> PipelineHarness.task("load-" + i, "goal " + i, "parallel")).toList();
            harness.submit(tasks);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= 600);

            assertThat(big.isAlive()).as("the worker survived with a 192 MB heap").isTrue();
            List<StageTiming> theses = harness.ledgers().values().stream()
                    .map(ledger -> PipelineIntegrationTest.stage(ledger, "thesis")).toList();
            assertThat(theses).extracting(StageTiming::getWorkerId).containsOnly("big-worker");
            assertThat(maxOverlap(theses)).as("thesis calls running at once in one worker").isGreaterThanOrEqualTo(500);
        }
    }

    /** Tasks whose thesis call has streamed its first chunk of tokens. */
    private Set<String> thesisCallsStreaming() {
        return harness.readAll(harness.topics.tokens()).stream().map(ConsumerRecord::value)
                .filter(chunk -> chunk.getStage().equals("thesis")).map(TokenChunk::getTaskId)
                .collect(Collectors.toSet());
    }

    /** The most intervals [startedAt, finishedAt] that overlap at one instant. */
    static int maxOverlap(List<StageTiming> stages) {
        record Edge(long at, int delta) {}
        List<Edge> edges = new ArrayList<>();
        for (StageTiming stage : stages) {
            edges.add(new Edge(stage.getStartedAt().toEpochMilli(), 1));
            edges.add(new Edge(stage.getFinishedAt().toEpochMilli(), -1));
        }
        edges.sort(Comparator.comparingLong(Edge::at).thenComparingInt(Edge::delta));
        int running = 0;
        int max = 0;
        for (Edge edge : edges) {
            running += edge.delta();
            max = Math.max(max, running);
        }
        return max;
    }
}
