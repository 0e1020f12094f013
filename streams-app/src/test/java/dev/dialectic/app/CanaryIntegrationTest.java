package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.canary.Setting;
import dev.dialectic.canary.live.CanaryDecider;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.Control;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary releases through the real broker and registry, with 20 partitions of {@code tasks}: routing by partition,
 * workers started for a variant, live control, refused control records, automatic rollback and a ramp.
 */
@WithLocalStack
class CanaryIntegrationTest {

    private static final int PARTITIONS = 20;
    private static final String SPEC = """
            personas:
              thesis: {}
              antithesis: {}
              synthesis: {}
            stages:
              - {name: thesis, persona: thesis}
              - {name: antithesis, persona: antithesis}
              - {name: synthesis, persona: synthesis, inputs: [thesis, antithesis]}
            releases:
              canary:
                personas:
                  synthesis: {system.prompt: Answer as the canary.}
              faulty: {}
            """;

    private PipelineHarness harness;
    private KafkaProducer<String, byte[]> control;
    private final List<AutoCloseable> services = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    @BeforeEach
    void setUp(TestStack stack, @TempDir Path dir) throws Exception {
        harness = new PipelineHarness(stack);
        harness.settings.put(DialecticConfig.TOPIC_PARTITIONS, Integer.toString(PARTITIONS));
        harness.settings.put(DialecticConfig.PIPELINE_SPEC, Files.writeString(dir.resolve("spec.yaml"), SPEC).toString());
        harness.settings.put(DialecticConfig.WORKER_CONSUMERS, "4");
        harness.settings.put(DialecticConfig.WORKER_ID, "baseline-worker");
        harness.settings.put(DialecticConfig.CANARY_ROLLBACK_MIN_TASKS, "10");
        harness.settings.put(DialecticConfig.CANARY_CHECK_INTERVAL_MS, "200");
        control = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable service : services.reversed()) {
            service.close();
        }
        control.close(Duration.ofSeconds(5));
        harness.close();
    }

    private DialecticService start(Map<String, String> overrides) {
        Map<String, Object> settings = new HashMap<>(harness.settings);
        settings.putAll(overrides);
        DialecticService service = DialecticService.start(new DialecticConfig(settings));
        services.add(service);
        return service;
    }

    /** A worker process's services for {@code variant}, as {@code dialectic app --roles workers --variant V} runs them. */
    private void startWorkers(String variant, Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(more);
        overrides.put(DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS);
        overrides.put(DialecticConfig.WORKER_VARIANT, variant);
        overrides.put(DialecticConfig.WORKER_ID, variant + "-worker");
        start(overrides);
    }

    private void set(String name, String value) throws Exception {
        Control record = new Setting(name, value, Instant.now(), "test", "set by the test").toControl();
        sendControl(name, harness.topics.control().valueSerde().serializer().serialize(harness.topics.control().name(),
                record));
    }

    private void sendControl(String key, byte[] value) throws Exception {
        control.send(new ProducerRecord<>(harness.topics.control().name(), key, value)).get();
    }

    private static int partition(String taskId) {
        return Utils.toPositive(Utils.murmur2(taskId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** {@code perPartition} new tasks on every partition of {@code tasks}, by id. */
    private List<Task> tasksOnEveryPartition(int perPartition) {
        Map<Integer, Integer> counts = new HashMap<>();
        List<Task> tasks = new ArrayList<>();
        while (tasks.size() < perPartition * PARTITIONS) {
            String id = "c-" + ids.incrementAndGet();
            if (counts.merge(partition(id), 1, Integer::sum) <= perPartition) {
                tasks.add(PipelineHarness.task(id, "goal of " + id, null));
            }
        }
        return tasks;
    }

    private Map<String, SynthesisResult> awaitResults(List<Task> tasks) {
        Set<String> wanted = tasks.stream().map(Task::getTaskId).collect(Collectors.toSet());
        Map<String, SynthesisResult> results = new HashMap<>();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() -> {
            harness.results().stream().filter(r -> wanted.contains(r.getTaskId())).forEach(r -> results.put(r.getTaskId(), r));
            return results.size() == wanted.size();
        });
        return results;
    }

    @Test
    void atTwentyFivePercentOnlyTheCanaryPartitionsRunTheCanaryServedOnlyByItsWorkers(@TempDir Path stateDir)
            throws Exception {
        DialecticService service = start(Map.of());
        startWorkers("canary", Map.of());
        set(ControlSettings.VARIANT, "canary");
        set(ControlSettings.PERCENT, "25");
        await().atMost(Duration.ofSeconds(10)).until(() -> service.canary().get().live(PARTITIONS));
        assertThat(service.canary().get().describe(PARTITIONS))
                .isEqualTo("canary 'canary' on partitions 0-4 of 20 = 25% of tasks (canary.percent 25)");

        List<Task> tasks = tasksOnEveryPartition(2);
        harness.submit(tasks);
        Map<String, SynthesisResult> results = awaitResults(tasks);
        Map<String, TaskLedger> ledgers = harness.ledgers();
        for (Task task : tasks) {
            String id = task.getTaskId();
            String expected = partition(id) < 5 ? "canary" : ControlSettings.BASELINE;
            assertThat(results.get(id).getVariant()).as("result of %s on partition %d", id, partition(id)).isEqualTo(expected);
            assertThat(ledgers.get(id).getVariant()).as("ledger of %s", id).isEqualTo(expected);
            assertThat(ledgers.get(id).getStages()).extracting(StageTiming::getWorkerId)
                    .as("who served the requests of %s", id).containsOnly(expected + "-worker");
        }
        assertThat(results.values()).filteredOn(r -> r.getVariant().equals("canary")).hasSize(10);

        // Records that cannot be applied go to the dlq with the reason; the setting in force stays.
        set(ControlSettings.PERCENT, "150");
        set("canary.speed", "2");
        set(ControlSettings.VARIANT, "nightly");
        sendControl(ControlSettings.PERCENT, "not avro".getBytes(StandardCharsets.UTF_8));
        List<ConsumerRecord<String, byte[]>> refused = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            refused.clear();
            harness.readAll(harness.topics.dlq().name(), new ByteArrayDeserializer()).stream()
                    .filter(r -> DeadLetters.header(r.headers(), DeadLetters.COMPONENT).orElse("")
                            .equals(CanaryDecider.COMPONENT))
                    .forEach(refused::add);
            return refused.size() >= 4;
        });
        List<String> reasons = refused.stream()
                .map(r -> DeadLetters.header(r.headers(), DeadLetters.REASON).orElseThrow()).toList();
        assertThat(reasons).hasSize(4).contains(
                "canary.percent must be a number from 0 to 100, got '150'",
                "unknown setting 'canary.speed' (known: canary.variant, canary.percent, canary.partitions, canary.ramp)",
                "canary.variant: unknown variant 'nightly' (the spec's releases: canary, faulty)")
                .anySatisfy(reason -> assertThat(reason).startsWith("value is not a decodable Control"));
        assertThat(refused).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).contains("not avro");
        assertThat(service.canary().get().describe(PARTITIONS))
                .isEqualTo("canary 'canary' on partitions 0-4 of 20 = 25% of tasks (canary.percent 25)");

        // A second orchestrator instance starts from the topic (the refused records ignored), and one of the two
        // decides.
        DialecticService second = start(Map.of(DialecticConfig.ROLES, DialecticConfig.ROLE_ORCHESTRATOR,
                DialecticConfig.ORCHESTRATOR_STATE_DIR, stateDir.toString()));
        assertThat(second.canary().get().describe(PARTITIONS))
                .isEqualTo("canary 'canary' on partitions 0-4 of 20 = 25% of tasks (canary.percent 25)");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).during(Duration.ofSeconds(2))
                .until(() -> service.canaryDecider().deciding() != second.canaryDecider().deciding());

        // A change takes effect on every running instance.
        long changed = System.nanoTime();
        set(ControlSettings.PARTITIONS, "19");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> service.canary().get().canaryPartitions(PARTITIONS).equals(Set.of(19))
                        && second.canary().get().canaryPartitions(PARTITIONS).equals(Set.of(19)));
        System.out.printf("canary settings changed in both instances %d ms after the control record was written%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed));
        List<Task> later = tasksOnEveryPartition(1);
        harness.submit(later);
        Map<String, SynthesisResult> laterResults = awaitResults(later);
        for (Task task : later) {
            assertThat(laterResults.get(task.getTaskId()).getVariant()).as("variant of a task on partition %d",
                    partition(task.getTaskId())).isEqualTo(partition(task.getTaskId()) == 19 ? "canary" : "baseline");
        }
    }

    @Test
    void aFailingCanaryIsRolledBackAfterItsMinimumSampleAndAHealthyRampReachesAHundred() throws Exception {
        DialecticService service = start(Map.of());
        startWorkers("canary", Map.of());
        startWorkers("faulty", Map.of(DialecticConfig.SIMULATED_ERROR_RATE, "0.2",
                DialecticConfig.WORKER_RETRY_MAX_ATTEMPTS, "1"));
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try {
            load.scheduleWithFixedDelay(() -> {
                try {
                    harness.submit(tasksOnEveryPartition(1));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 500, TimeUnit.MILLISECONDS);

            // A healthy canary on a ramp: one step per hold, up to 100%.
            set(ControlSettings.VARIANT, "canary");
            set(ControlSettings.RAMP, "25,50,100/2s");
            set(ControlSettings.PERCENT, "25");
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> service.canary().get()
                    .setting(ControlSettings.PERCENT).map(Setting::value).orElse("").equals("100"));
            assertThat(percentHistory()).containsSubsequence("25 by test", "50 by auto-ramp", "100 by auto-ramp");

            // A canary whose worker fails a fifth of its calls: rolled back, with the reason, after its minimum sample.
            set(ControlSettings.VARIANT, "faulty");
            set(ControlSettings.RAMP, "");
            set(ControlSettings.PERCENT, "50");
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> service.canary().get()
                    .setting(ControlSettings.PERCENT).filter(s -> s.updatedBy().equals(ControlSettings.AUTO_ROLLBACK))
                    .isPresent());
            CanaryState rolledBack = service.canary().get();
            assertThat(rolledBack.live(PARTITIONS)).isFalse();
            String reason = rolledBack.setting(ControlSettings.PERCENT).orElseThrow().reason();
            assertThat(reason).startsWith("canary 'faulty' rolled back: ").containsPattern("(error|fallback) rate");
            Matcher sample = Pattern.compile("canary (\\d+) tasks").matcher(reason);
            assertThat(sample.find()).as("the reason gives the sample: %s", reason).isTrue();
            assertThat(Integer.parseInt(sample.group(1))).isGreaterThanOrEqualTo(10);
            assertThat(percentHistory()).last().isEqualTo("0 by auto-rollback");
        } finally {
            load.shutdownNow();
            load.awaitTermination(10, TimeUnit.SECONDS);
        }
        List<Task> after = tasksOnEveryPartition(1);
        harness.submit(after);
        assertThat(awaitResults(after).values()).extracting(SynthesisResult::getVariant)
                .containsOnly(ControlSettings.BASELINE);
    }

    /** Every canary.percent record on control: {@code value by author}. */
    private List<String> percentHistory() {
        return harness.readAll(harness.topics.control()).stream()
                .filter(r -> r.key().equals(ControlSettings.PERCENT) && r.value() != null)
                .map(r -> r.value().getValue() + " by " + r.value().getUpdatedBy())
                .toList();
    }
}
