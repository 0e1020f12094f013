package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TokenChunk;
import dev.dialectic.worker.PersonaWorker;
import dev.dialectic.worker.Workers;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests that no worker answers — archived by their share group, or held by a worker that was killed — are
 * asked for again by the orchestrator, and their tasks still end SUCCEEDED with exactly one result.
 */
@WithLocalStack
class UnansweredRequestsTest {

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
    void aRequestThatRunsOutOfDeliveriesIsAskedForAgainAndItsTaskSucceeds() throws Exception {
        harness.settings.put(DialecticConfig.WORKER_SHARE_DELIVERY_COUNT_LIMIT, "2");
        harness.settings.put(DialecticConfig.WORKER_PERSONAS, "antithesis,synthesis");
        DialecticConfig config = harness.config();
        try (Admin admin = Admin.create(config.clientConfig())) {
            assertThat(Workers.configureGroups(admin, harness.topics, List.of("thesis"), config.shareGroupSettings()))
                    .as("the broker has share-group dead-letter topics").isTrue();
        }
        AtomicBoolean sawSecondAttempt = new AtomicBoolean();
        Thread hog = Thread.ofPlatform().start(() -> releaseEveryThesisRequestUntilASecondAttempt(sawSecondAttempt));
        try (DialecticService service = harness.startService()) {
            harness.submit(List.of(PipelineHarness.task("archived", "goal", "parallel")));

            // The hog gives the first request back twice: the group archives it after its 2 deliveries, the
            // workers forward the dead letter, and the orchestrator asks again.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilTrue(sawSecondAttempt);
            hog.join();
            try (DialecticService thesisWorker = DialecticService.start(new DialecticConfig(with(
                    DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS, DialecticConfig.WORKER_PERSONAS, "thesis")))) {
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !harness.results().isEmpty());
            }
        } finally {
            sawSecondAttempt.set(true);
            hog.join();
        }
        assertThat(harness.results()).singleElement()
                .satisfies(result -> assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED));
        StageTiming thesis = PipelineIntegrationTest.stage(harness.ledgers().get("archived"), "thesis");
        assertThat(thesis.getAttempts()).isEqualTo(2);
        assertThat(thesis.getReRequests()).singleElement().asString()
                .isEqualTo("the request of attempt 1 was archived unserved after 2 deliveries");
    }

    @Test
    void aWorkersProcessKilledWithAThousandRequestsInFlightOrQueuedLosesNoTask() throws Exception {
        // Thesis calls outlive half of the 15 s lock, so the workers renew locks and fetch more while full, with
        // hundreds of requests waiting: the case that used to release requests until the group archived them.
        // The kill comes once 300 calls stream, long before any ends: the calls take 20 s, far more than the time
        // it takes to see them stream. Few tokens per call keep the token topic small enough to scan.
        harness.settings.put("simulated.thesis.latency.ms", "20000");
        harness.settings.put("simulated.thesis.ttft.ms", "500");
        harness.settings.put("simulated.thesis.tokens.per.second", "0.5");
        harness.settings.put("simulated.antithesis.latency.ms", "200");
        harness.settings.put("simulated.synthesis.latency.ms", "200");
        harness.settings.put(DialecticConfig.ROLES, DialecticConfig.ROLE_ORCHESTRATOR);
        Map<String, String> worker = Map.of(DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS);
        int count = 1_200;
        try (DialecticService orchestrator = harness.startService()) {
            Process doomed = harness.startApp("doomed-workers", List.of("-Xmx384m"), worker);
            List<Task> tasks = IntStream.range(0, count)
                    .mapToObj(i -> PipelineHarness.task("crash-" + i, "goal " + i, "parallel")).toList();
            harness.submit(tasks);

            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> thesisCallsStreaming().size() >= 300);
            int finished = harness.results().size();
            assertThat(count - finished).as("requests in flight or queued at the kill").isGreaterThanOrEqualTo(1_000);
            doomed.destroyForcibly().waitFor();
            Instant killedAt = Instant.now();

            harness.startApp("successor-workers", List.of("-Xmx384m"), worker);
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> harness.results().size() >= count);
            System.out.printf("workers killed with %d of %d tasks unfinished; last result %d s after the kill%n",
                    count - finished, count, Duration.between(killedAt, Instant.now()).toSeconds());
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> harness.results().size() == count);
        }
        List<SynthesisResult> results = harness.results();
        assertThat(results).extracting(SynthesisResult::getTaskId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(tasks(count));
        assertThat(results).extracting(SynthesisResult::getStatus).containsOnly(ResultStatus.SUCCEEDED);
        Map<String, TaskLedger> ledgers = harness.ledgers();
        assertThat(ledgers.values()).flatExtracting(TaskLedger::getStages).allSatisfy(stage -> assertThat(
                stage.getReRequests()).as("every attempt after the first says why").hasSize(stage.getAttempts() - 1));
    }

    /** Gives back every thesis request it gets, as a worker that never manages to serve one would. */
    private void releaseEveryThesisRequestUntilASecondAttempt(AtomicBoolean sawSecondAttempt) {
        Map<String, Object> config = new HashMap<>(harness.config().clientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, PersonaWorker.groupId(harness.topics, "thesis"));
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        try (KafkaShareConsumer<String, byte[]> consumer =
                     new KafkaShareConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(harness.topics.persona("thesis").name()));
            while (!sawSecondAttempt.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    PersonaRequest request = harness.topics.persona("thesis").valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    consumer.acknowledge(record, AcknowledgeType.RELEASE);
                    if (request.getAttempt() > 1) {
                        sawSecondAttempt.set(true);
                    }
                }
                consumer.commitSync();
            }
        }
    }

    private Map<String, Object> with(String... overrides) {
        Map<String, Object> settings = new HashMap<>(harness.settings);
        for (int i = 0; i < overrides.length; i += 2) {
            settings.put(overrides[i], overrides[i + 1]);
        }
        return settings;
    }

    private static List<String> tasks(int count) {
        return IntStream.range(0, count).mapToObj(i -> "crash-" + i).toList();
    }

    /** Tasks whose thesis call has streamed its first chunk of tokens. */
    private Set<String> thesisCallsStreaming() {
        return harness.readAll(harness.topics.tokens()).stream().map(ConsumerRecord::value)
                .filter(chunk -> chunk.getStage().equals("thesis")).map(TokenChunk::getTaskId)
                .collect(Collectors.toSet());
    }
}
