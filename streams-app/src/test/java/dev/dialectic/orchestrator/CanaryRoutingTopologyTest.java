package dev.dialectic.orchestrator;

import static dev.dialectic.orchestrator.OrchestratorTopologyTest.result;
import static dev.dialectic.orchestrator.OrchestratorTopologyTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStore;
import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.canary.Setting;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.serde.InMemorySchemaRegistry;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The variant is chosen at acceptance from the task's partition of {@code tasks} and the canary settings in force,
 * kept in the task's state, and carried by its requests (to the variant's persona topics), its ledger and its
 * result. {@link TopologyTestDriver} reads every record from partition 0, which is the first canary partition.
 */
class CanaryRoutingTopologyTest {

    private static final Instant START = Instant.parse("2026-12-01T06:00:00Z");
    private static final OrchestratorSettings SETTINGS = new OrchestratorSettings(Mode.PARALLEL,
            Duration.ofSeconds(60), 100, 1000, Duration.ofHours(1), Duration.ofMillis(100), true,
            Duration.ofSeconds(20), 3);
    private static final PipelineSpec SPEC = SpecLoader.parse("canary.yaml", """
            personas:
              thesis: {}
              antithesis: {}
              synthesis: {}
            stages:
              - {name: thesis, persona: thesis}
              - {name: antithesis, persona: antithesis}
              - {name: synthesis, persona: synthesis, inputs: [thesis, antithesis]}
            releases:
              fast:
                mode: sequential
                personas:
                  synthesis: {model: smaller}
            """);

    private final Topics topics = Topics.builder().registry(new InMemorySchemaRegistry()).partitions(20).build();
    private final ControlRules rules = new ControlRules(SPEC.releases().keySet(), 20);
    private final AtomicReference<CanaryState> canary = new AtomicReference<>(CanaryState.INITIAL);
    private TopologyTestDriver driver;
    private TestInputTopic<String, Task> tasks;
    private TestInputTopic<String, PersonaResult> results;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "canary-routing-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(OrchestratorTopology.build(topics, SETTINGS, SPEC, variant -> CachePolicy.disabled(),
                CacheStore.NONE, canary::get), props, START);
        tasks = driver.createInputTopic(topics.tasks().name(), Serdes.String().serializer(),
                topics.tasks().valueSerde().serializer(), START, Duration.ZERO);
        results = driver.createInputTopic(topics.personaResults().name(), Serdes.String().serializer(),
                topics.personaResults().valueSerde().serializer(), START, Duration.ZERO);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void set(String name, String value) {
        ControlRules.Outcome outcome = rules.apply(canary.get(), name, new Setting(name, value, START, "test", null));
        assertThat(outcome.rejection()).isEmpty();
        canary.set(outcome.state());
    }

    private TestOutputTopic<String, PersonaRequest> requests(String persona, String variant) {
        return driver.createOutputTopic(topics.persona(persona, variant).name(), Serdes.String().deserializer(),
                topics.persona(persona, variant).valueSerde().deserializer());
    }

    private List<TaskLedger> ledgers() {
        return driver.createOutputTopic(topics.ledger().name(), Serdes.String().deserializer(),
                topics.ledger().valueSerde().deserializer()).readValuesToList();
    }

    @Test
    void withoutACanaryEveryTaskRunsOnBaseline() {
        tasks.pipeInput("t1", task("t1", "goal", null));
        assertThat(requests("thesis", ControlSettings.BASELINE).readValuesToList()).singleElement()
                .satisfies(request -> assertThat(request.getVariant()).isEqualTo(ControlSettings.BASELINE));
        List<TaskLedger> ledgers = ledgers();
        assertThat(ledgers.getLast().getVariant()).isEqualTo(ControlSettings.BASELINE);
        assertThat(ledgers.getLast().getNotes()).noneMatch(note -> note.startsWith("canary"));
    }

    @Test
    void aTaskOfACanaryPartitionRunsTheVariantToTheEndWhateverControlSaysLater() {
        set(ControlSettings.VARIANT, "fast");
        set(ControlSettings.PERCENT, "5"); // partition 0 of 20: exactly 5%
        tasks.pipeInput("t1", task("t1", "goal", null));

        TestOutputTopic<String, PersonaRequest> thesis = requests("thesis", "fast");
        PersonaRequest first = thesis.readValue();
        assertThat(first.getVariant()).isEqualTo("fast");
        assertThat(requests("thesis", ControlSettings.BASELINE).isEmpty()).isTrue();
        assertThat(requests("antithesis", "fast").isEmpty()).as("the release runs sequentially").isTrue();
        TaskLedger accepted = ledgers().getLast();
        assertThat(accepted.getVariant()).isEqualTo("fast");
        assertThat(accepted.getMode()).isEqualTo("sequential");
        assertThat(accepted.getNotes()).contains("canary: partition 0 of tasks runs fast; canary 'fast' on partition 0"
                + " of 20 = 5% of tasks (canary.percent 5)");

        set(ControlSettings.PERCENT, "0"); // rolled back while t1 runs: t1 finishes on its variant, new tasks do not
        results.pipeInput("t1", result("t1", "thesis", 1, "pro"));
        assertThat(requests("antithesis", "fast").readValue().getVariant()).isEqualTo("fast");
        results.pipeInput("t1", result("t1", "antithesis", 1, "contra"));
        assertThat(requests("synthesis", "fast").readValue().getVariant()).isEqualTo("fast");
        results.pipeInput("t1", result("t1", "synthesis", 1, "balanced"));
        SynthesisResult done = driver.createOutputTopic(topics.results().name(), Serdes.String().deserializer(),
                topics.results().valueSerde().deserializer()).readValue();
        assertThat(done.getVariant()).isEqualTo("fast");
        assertThat(ledgers().getLast().getVariant()).isEqualTo("fast");

        tasks.pipeInput("t2", task("t2", "goal", null));
        assertThat(requests("thesis", ControlSettings.BASELINE).readValue().getTaskId()).isEqualTo("t2");
        assertThat(ledgers().getLast().getVariant()).isEqualTo(ControlSettings.BASELINE);
    }

    @Test
    void namedPartitionsWithoutPartitionZeroLeaveItOnBaseline() {
        set(ControlSettings.VARIANT, "fast");
        set(ControlSettings.PARTITIONS, "3,7");
        tasks.pipeInput("t1", task("t1", "goal", null));
        TaskLedger ledger = ledgers().getLast();
        assertThat(ledger.getVariant()).isEqualTo(ControlSettings.BASELINE);
        assertThat(ledger.getNotes()).anySatisfy(note -> assertThat(note).startsWith(
                "canary: partition 0 of tasks runs baseline; canary 'fast' on partitions 3,7 of 20 = 10% of tasks"));
        assertThat(rules.problem(ControlSettings.VARIANT, new Setting(ControlSettings.VARIANT, "slow", START, null,
                null))).isPresent();
        assertThat(Set.copyOf(SPEC.releases().keySet())).containsExactly("fast");
    }
}
