package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.llm.simulated.SimulatedProvider;
import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The response cache through the real broker and registry: hits without model calls or requests (the simulated
 * models count their calls), the fast path, cache=off, the tenant rule, an instance started after another stopped,
 * a changed prompt, the ttl, and undecodable records on the cache topic.
 */
@WithLocalStack
class CacheIntegrationTest {

    private static final String GOAL = "Should we cache the answers of our language models?";
    private static final List<String> PERSONAS = List.of("thesis", "antithesis", "synthesis");

    private PipelineHarness harness;

    @BeforeEach
    void setUp(TestStack stack) throws Exception {
        harness = new PipelineHarness(stack);
        harness.settings.put(DialecticConfig.CACHE_ENABLED, "true");
        // A few tasks at a time: four share consumers per persona start and stop much faster than the default 64.
        harness.settings.put(DialecticConfig.WORKER_CONSUMERS, "4");
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void aRepeatedTaskIsAnsweredFromTheCacheWithoutAModelCallOrARequestButNotAcrossTenantsOrWithCacheOff()
            throws Exception {
        try (DialecticService service = harness.startService()) {
            SynthesisResult first = run("first", Map.of());
            assertThat(first.getCachedStages()).isEmpty();
            Map<String, Long> afterFirst = calls(service);
            assertThat(afterFirst.values()).allSatisfy(calls -> assertThat(calls).isPositive());

            SynthesisResult repeat = run("repeat", Map.of());
            assertThat(calls(service)).as("no model call").isEqualTo(afterFirst);
            assertThat(repeat.getText()).isEqualTo(first.getText());
            assertThat(repeat.getCachedStages()).containsExactlyElementsOf(PERSONAS);
            assertThat(repeat.getSavedMs()).isPositive();
            TaskLedger ledger = harness.ledgers().get("repeat");
            assertThat(ledger.getStages()).allSatisfy(stage -> {
                assertThat(stage.getCacheHit()).isTrue();
                assertThat(stage.getSavedMs()).isPositive();
                assertThat(stage.getAttempts()).isZero();
            });
            for (String persona : PERSONAS) {
                assertThat(harness.readAll(harness.topics.persona(persona)))
                        .as("requests to %s", persona).extracting(ConsumerRecord::key).doesNotContain("repeat");
            }
            assertThat(service.cache().stats().persona("thesis").hits()).isEqualTo(1);

            SynthesisResult off = run("off", Map.of("cache", "off"));
            assertThat(off.getCachedStages()).isEmpty();
            Map<String, Long> afterOff = calls(service);
            PERSONAS.forEach(p -> assertThat(afterOff.get(p)).as(p).isGreaterThan(afterFirst.get(p)));

            assertThat(run("tenant-b", Map.of("tenant", "b")).getCachedStages()).as("another tenant misses").isEmpty();
            Map<String, Long> afterTenant = calls(service);
            PERSONAS.forEach(p -> assertThat(afterTenant.get(p)).as(p).isGreaterThan(afterOff.get(p)));
            assertThat(run("tenant-b-again", Map.of("tenant", "b")).getCachedStages())
                    .containsExactlyElementsOf(PERSONAS);
            assertThat(calls(service)).isEqualTo(afterTenant);

            // first and tenant-b wrote three entries each; "off" wrote none.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cacheTopic().size() == 6);
        }
    }

    @Test
    void anInstanceStartedAfterTheFirstStoppedServesItsEntriesAndAChangedPromptMisses() throws Exception {
        SynthesisResult first;
        try (DialecticService service = harness.startService()) {
            first = run("one", Map.of());
        }
        assertThat(cacheTopic()).as("written before the first instance stopped").hasSize(3);

        try (DialecticService service = harness.startService()) {
            SynthesisResult second = run("two", Map.of());
            assertThat(second.getCachedStages()).containsExactlyElementsOf(PERSONAS);
            assertThat(second.getText()).isEqualTo(first.getText());
            assertThat(calls(service).values()).allSatisfy(calls -> assertThat(calls).isZero());
        }

        harness.settings.put("persona.thesis.system.prompt", "Argue for it, in one line.");
        try (DialecticService service = harness.startService()) {
            SynthesisResult third = run("three", Map.of());
            assertThat(third.getCachedStages()).doesNotContain("thesis").contains("antithesis");
            assertThat(calls(service).get("thesis")).isPositive();
            assertThat(calls(service).get("antithesis")).isZero();
        }
    }

    @Test
    void anEntryPastItsTtlMissesAndIsTombstonedAndUndecodableRecordsAreNeverServed() throws Exception {
        harness.settings.put("persona.thesis.cache.ttl.ms", "1500");
        try (DialecticService service = harness.startService();
                KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(harness.topics.cache().name(), "no-such-key", garbage())).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> service.cache().stats().ignoredRecords() == 1);

            run("one", Map.of());
            Map<String, Long> afterOne = calls(service);
            Map<String, String> keys = entryKeys();
            String thesisKey = keys.get("thesis");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> cacheTopic().stream()
                    .anyMatch(r -> r.key().equals(thesisKey) && r.value() == null));

            SynthesisResult two = run("two", Map.of());
            assertThat(two.getCachedStages()).doesNotContain("thesis").contains("antithesis");
            assertThat(calls(service).get("thesis")).isGreaterThan(afterOne.get("thesis"));
            assertThat(calls(service).get("antithesis")).isEqualTo(afterOne.get("antithesis"));

            producer.send(new ProducerRecord<>(harness.topics.cache().name(), keys.get("antithesis"), garbage())).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> service.cache().stats().ignoredRecords() == 2);
            SynthesisResult three = run("three", Map.of());
            assertThat(three.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            assertThat(three.getCachedStages()).doesNotContain("antithesis");
            assertThat(calls(service).get("antithesis")).isGreaterThan(afterOne.get("antithesis"));
        }
    }

    /** Submits a task with {@link #GOAL} and waits for its result. */
    private SynthesisResult run(String id, Map<String, String> attributes) throws Exception {
        Task task = PipelineHarness.task(id, GOAL, "parallel");
        task.setContext("We run forty services.");
        task.setAttributes(new HashMap<>(attributes));
        harness.submit(List.of(task));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> result(id).isPresent());
        SynthesisResult result = result(id).orElseThrow();
        assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        return result;
    }

    private Optional<SynthesisResult> result(String id) {
        return harness.results().stream().filter(r -> r.getTaskId().equals(id)).findFirst();
    }

    /** Model calls of each persona's simulated model in {@code service}. */
    private static Map<String, Long> calls(DialecticService service) {
        Map<String, Long> calls = new HashMap<>();
        service.workers().workers().forEach(worker -> calls.merge(worker.persona(),
                ((SimulatedProvider) worker.profile().provider()).calls(), Long::sum));
        return calls;
    }

    /** Every record of the cache topic, values as bytes (some are not decodable on purpose). */
    private List<ConsumerRecord<String, byte[]>> cacheTopic() {
        return harness.readAll(harness.topics.cache().name(), Serdes.ByteArray().deserializer());
    }

    /** The key of each persona's newest decodable entry on the cache topic. */
    private Map<String, String> entryKeys() {
        Deserializer<CacheEntry> decoder = harness.topics.cache().valueSerde().deserializer();
        Map<String, String> keys = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : cacheTopic()) {
            if (record.value() != null && record.value().length > 0 && record.value()[0] == 0) {
                keys.put(decoder.deserialize(record.topic(), record.value()).getPersona(), record.key());
            }
        }
        return keys;
    }

    private static byte[] garbage() {
        return "{not a cache entry}".getBytes(StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", harness.bootstrapServers), new StringSerializer(),
                new ByteArraySerializer());
    }
}
