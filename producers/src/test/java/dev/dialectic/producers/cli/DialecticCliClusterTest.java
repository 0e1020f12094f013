package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.producers.FakeOrchestrator;
import dev.dialectic.producers.Kafka;
import dev.dialectic.schema.Task;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI against a real broker and registry, with a fake orchestrator where results are needed. */
@WithLocalStack
class DialecticCliClusterTest {

    private TestStack stack;
    private RestSchemaRegistryClient registry;
    private Topics topics;
    private List<String> globalOptions;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp(TestStack stack) {
        this.stack = stack;
        String prefix = stack.uniqueName("t") + ".";
        registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build();
        topics = Topics.builder().prefix(prefix).registry(registry).build();
        stack.createTopics(3, topics.tasks().name(), topics.results().name(), topics.ledger().name());
        globalOptions = List.of("--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryUrl(),
                "--topic-prefix", prefix);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void anInvalidModeIsRefusedInOneLineAndNothingIsSent() {
        int exit = run("submit", "Should we rewrite billing in Rust?", "--mode", "diagonal");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "dialectic: unknown mode 'diagonal' (expected parallel, sequential or adaptive)" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
        assertThat(tasks()).isEmpty();
    }

    @Test
    void submitPrintsTheIdOfTheTaskItSent() {
        int exit = run("submit", "Pick a queue", "--id", "cli-1", "--context", "We run Kafka", "--mode", "sequential",
                "--timeout", "1m30s", "--attr", "team=infra", "--attr", "tone=blunt");

        assertThat(exit).isZero();
        assertThat(out.toString().strip()).isEqualTo("cli-1");
        assertThat(err.toString()).isEmpty();
        List<ConsumerRecord<String, Task>> tasks = tasks();
        assertThat(tasks).hasSize(1);
        Task task = tasks.getFirst().value();
        assertThat(tasks.getFirst().key()).isEqualTo("cli-1");
        assertThat(task.getGoal()).isEqualTo("Pick a queue");
        assertThat(task.getContext()).isEqualTo("We run Kafka");
        assertThat(task.getMode()).isEqualTo("sequential");
        assertThat(task.getTimeoutMs()).isEqualTo(90_000L);
        assertThat(task.getAttributes()).isEqualTo(Map.of("team", "infra", "tone", "blunt"));
    }

    @Test
    void aFileIsSubmittedWaitedForAndSummed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tasks.jsonl"), """
                {"id": "f-1", "goal": "Should we ship on Fridays?"}
                {"id": "f-2", "goal": "This one ends partial", "mode": "sequential"}

                {"id": "f-3", "goal": "This one will fail", "attributes": {"team": "qa"}}
                """);
        FakeOrchestrator orchestrator = new FakeOrchestrator(stack.bootstrapServers(), topics);
        int exit;
        try {
            exit = run("submit", "--file", file.toString(), "--show", "--wait-timeout", "30s");
        } finally {
            orchestrator.close();
        }

        assertThat(exit).as("every result came, but two tasks did not succeed").isEqualTo(4);
        String output = out.toString();
        assertThat(output).contains("task f-1  SUCCEEDED", "synthesis:", "  Synthesis of: Should we ship on Fridays?",
                "task f-2  PARTIAL", "reason: stage antithesis failed: simulated outage", "task f-3  FAILED",
                "critical path: ideal 400ms = max(thesis 200ms, antithesis 300ms) + synthesis 100ms");
        assertThat(output).contains("batch: 3 tasks, 1 succeeded, 1 partial, 1 failed, 0 timed out waiting",
                "  partial f-2: stage antithesis failed: simulated outage",
                "  failed  f-3: stage antithesis failed: simulated outage",
                "latency (task sent to result visible, 3 tasks): mean ");
        assertThat(err.toString()).contains("submitted 3 tasks from " + file, "progress: 3/3 results")
                .doesNotContain("\r");
    }

    @Test
    void theLedgerAndResultsCommandsShowWhatTheOrchestratorWrote() throws Exception {
        FakeOrchestrator orchestrator = new FakeOrchestrator(stack.bootstrapServers(), topics);
        try {
            assertThat(run("submit", "Is remote-first right for us?", "--id", "l-1", "--wait")).isZero();
        } finally {
            orchestrator.close();
        }
        assertThat(out.toString()).startsWith("l-1" + System.lineSeparator() + "task l-1  SUCCEEDED");
        reset();

        assertThat(run("ledger", "l-1")).isZero();
        assertThat(out.toString()).startsWith("task l-1  SUCCEEDED  mode parallel  variant baseline  total ")
                .contains("goal: Is remote-first right for us?").containsPattern("thesis +\\|")
                .contains("critical path: ideal 400ms");
        reset();

        assertThat(run("results")).isZero();
        assertThat(out.toString()).startsWith("task l-1  SUCCEEDED").contains("Synthesis of: Is remote-first");
        reset();

        assertThat(run("ledger", "no-such-task")).isEqualTo(3);
        assertThat(err.toString().strip()).isEqualTo("dialectic: no ledger for task 'no-such-task' on "
                + topics.ledger().name() + " (not accepted yet, rejected to the dlq, or another id)");
    }

    @Test
    void anUnreachableRegistryIsOneLineAndExitCodeOne() throws IOException {
        int exit = new CommandLine(new DialecticCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("--bootstrap-servers", stack.bootstrapServers(), "--registry-url", "http://127.0.0.1:1",
                        "--topic-prefix", topics.prefix(), "submit", "goal");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("dialectic: Schema registry").hasLineCount(1);
        assertThat(tasks()).isEmpty();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(globalOptions);
        all.addAll(List.of(args));
        return new CommandLine(new DialecticCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
    }

    private void reset() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }

    private List<ConsumerRecord<String, Task>> tasks() {
        return stack.readAll(topics.tasks().name(), topics.tasks().valueSerde().deserializer());
    }
}
