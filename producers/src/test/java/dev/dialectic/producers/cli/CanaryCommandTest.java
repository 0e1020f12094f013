package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cli canary} against a real broker and registry: it writes, reads back and explains control records. */
@WithLocalStack
class CanaryCommandTest {

    private RestSchemaRegistryClient registry;
    private List<String> globalOptions;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp(TestStack stack) {
        String prefix = stack.uniqueName("canary") + ".";
        registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build();
        Topics topics = Topics.builder().prefix(prefix).registry(registry).build();
        stack.createTopics(20, topics.tasks().name(), topics.ledger().name());
        stack.createTopics(1, topics.control().name());
        globalOptions = List.of("--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryUrl(),
                "--topic-prefix", prefix);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void startSetRollbackAndHistorySayWhoDidWhatAndWhatShareThatIs() {
        assertThat(run("canary", "start", "--variant", "fast", "--steps", "5,25,50,100", "--hold", "10m",
                "--by", "alice", "--reason", "new prompt")).isZero();
        assertThat(out.toString()).contains("set canary.variant=fast by alice")
                .contains("set canary.ramp=5,25,50,100/10m by alice")
                .contains("canary 'fast' on partition 0 of 20 = 5% of tasks (canary.percent 5)");

        reset();
        assertThat(run("canary", "set", "150", "--by", "bob")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("dialectic: canary.percent must be a number from 0 to 100, got '150'"
                + System.lineSeparator());

        reset();
        assertThat(run("canary", "set", "--partitions", "0,7,13", "--by", "bob")).isZero();
        assertThat(out.toString()).contains("canary 'fast' on partitions 0,7,13 of 20 = 15% of tasks");

        reset();
        assertThat(run("canary", "status")).isZero();
        assertThat(out.toString()).startsWith("canary 'fast' on partitions 0,7,13 of 20 = 15% of tasks")
                .contains("canary.variant=fast by alice").contains(": new prompt")
                .contains("canary.partitions=0,7,13 by bob")
                .contains("fast       0 tasks, errors 0.0%, fallbacks 0.0%, mean 0ms")
                .contains("baseline   0 tasks");

        reset();
        assertThat(run("canary", "rollback", "--by", "carol", "--reason", "too slow")).isZero();
        assertThat(out.toString()).contains("canary 'fast' on no partition: every task runs on baseline");

        reset();
        assertThat(run("canary", "history")).isZero();
        assertThat(out.toString().lines().toList()).hasSize(6)
                .anySatisfy(line -> assertThat(line).startsWith("#0 canary.variant=fast by alice"))
                .anySatisfy(line -> assertThat(line).contains("canary.percent=0 by carol").endsWith(": too slow"));
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
}
