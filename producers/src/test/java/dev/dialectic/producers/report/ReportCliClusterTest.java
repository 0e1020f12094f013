package dev.dialectic.producers.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.producers.Kafka;
import dev.dialectic.producers.cli.DialecticCli;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code dialectic cli report} against a real broker and registry: the ledgers of {@link LedgerFixture#sample()}
 * written to the ledger topic in transactions (as the orchestrator writes them), with an earlier version of a
 * task, an aborted record and a deleted task that must not count.
 */
@WithLocalStack
class ReportCliClusterTest {

    private static RestSchemaRegistryClient registry;
    private static Topics topics;
    private static List<String> globalOptions;
    private StringWriter out;
    private StringWriter err;

    @BeforeAll
    static void writeLedgers(TestStack stack) {
        String prefix = stack.uniqueName("report") + ".";
        registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build();
        topics = Topics.builder().prefix(prefix).registry(registry).build();
        stack.createTopics(3, topics.ledger().name());
        globalOptions = List.of("--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryUrl(),
                "--topic-prefix", prefix);
        try (var ledgers = new Kafka.TransactionalWriter<>(stack.bootstrapServers(), topics.ledger().name(),
                topics.ledger().valueSerde().serializer())) {
            // b1 while it ran; its finished ledger below replaces it.
            ledgers.commit("b1", LedgerFixture.task("b1", 1).stage("thesis", 100, 400, 4_100).build());
            for (TaskLedger ledger : LedgerFixture.sample()) {
                ledgers.commit(ledger.getTaskId(), ledger);
            }
            ledgers.abort("x1", LedgerFixture.task("x1", 1).variant("canary")
                    .finished(TaskStatus.FAILED, 500).build());
            ledgers.commit("gone", LedgerFixture.task("gone", 1).finished(TaskStatus.SUCCEEDED, 1_000).build());
            ledgers.commit("gone", null);
        }
    }

    @AfterAll
    static void closeRegistry() {
        registry.close();
    }

    @BeforeEach
    void freshOutput() {
        out = new StringWriter();
        err = new StringWriter();
    }

    @Test
    void jsonHasTheFiguresOfTheNewestCommittedLedgers() throws Exception {
        assertThat(run("report", "--since", "2026-12-01T04:00:00Z", "--format", "json")).isZero();

        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.get("tasks").asInt()).isEqualTo(5);
        assertThat(json.get("unfinished").asInt()).isEqualTo(1);
        assertThat(json.at("/groups/0/name").asText()).isEqualTo("baseline");
        assertThat(json.at("/groups/0/tasks").asInt()).isEqualTo(3);
        assertThat(json.at("/groups/0/latency/total/mean").asDouble()).isCloseTo(12, within(1e-9));
        assertThat(json.at("/groups/1/name").asText()).isEqualTo("canary");
        assertThat(json.at("/groups/1/tasks").asInt()).isEqualTo(2);
        assertThat(json.at("/comparisons/0/total/difference").asDouble()).isCloseTo(-3.5, within(1e-9));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void theTableShowsTheCacheHitRate() {
        assertThat(run("report")).isZero();

        assertThat(out.toString()).startsWith("report by variant: 6 finished tasks; 1 unfinished left out\n")
                .contains("cache hits 12.5% (1/8) stages", "baseline → canary",
                        "cache hits 12.5% → 0.0% (−12.5 pp)");
    }

    @Test
    void byModeWithANamedBaselineAsMarkdown() {
        assertThat(run("report", "--by", "mode", "--baseline", "sequential", "--format", "markdown",
                "--since", "2026-12-01T04:00:00Z")).isZero();

        assertThat(out.toString()).startsWith("# Dialectic report by mode\n").contains("## sequential → parallel\n");
    }

    @Test
    void anUnknownBaselineIsBadInputAndAnEmptyPeriodIsNotThere() {
        assertThat(run("report", "--baseline", "blue")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("dialectic: --baseline: no finished task of variant 'blue' (there are:"
                + " baseline, canary)" + System.lineSeparator());

        freshOutput();
        assertThat(run("report", "--since", "2030-01-01T00:00:00Z")).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("dialectic: no finished task on " + topics.ledger().name()
                + " submitted since 2030-01-01T00:00:00Z" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new DialecticCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(globalOptions);
        return cli.execute(all.toArray(String[]::new));
    }
}
