package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.producers.TaskSpec;
import dev.dialectic.tasks.TaskRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskFileTest {

    private static final TaskRules RULES = TaskRules.DEFAULTS;

    @Test
    void readsEveryFieldAndNumbersLinesSkippingBlankOnes() {
        List<TaskFile.Entry> entries = TaskFile.parse(List.of(
                "{\"goal\": \"Should we adopt Rust?\"}",
                "",
                "   ",
                "{\"id\": \"t-2\", \"goal\": \"Pick a queue\", \"context\": \"We run Kafka.\", \"mode\": \"sequential\","
                        + " \"timeoutMs\": 30000, \"attributes\": {\"team\": \"infra\", \"tone\": \"blunt\"}}",
                "{\"goal\": \"g\", \"context\": null, \"mode\": null, \"timeoutMs\": null, \"attributes\": null}"),
                RULES);

        assertThat(entries).extracting(TaskFile.Entry::line).containsExactly(1, 4, 5);
        TaskSpec full = entries.get(1).spec();
        assertThat(full.id()).isEqualTo("t-2");
        assertThat(full.goal()).isEqualTo("Pick a queue");
        assertThat(full.context()).contains("We run Kafka.");
        assertThat(full.mode()).contains("sequential");
        assertThat(full.timeout()).contains(Duration.ofSeconds(30));
        assertThat(full.attributes()).isEqualTo(Map.of("team", "infra", "tone", "blunt"));
        TaskSpec bare = entries.get(2).spec();
        assertThat(bare.context()).isEmpty();
        assertThat(bare.mode()).isEmpty();
        assertThat(bare.timeout()).isEmpty();
        assertThat(entries.get(0).spec().id()).isNotBlank().isNotEqualTo(bare.id());
    }

    @Test
    void malformedLinesAreRefusedWithTheirLineNumber() {
        assertRefused("{\"goal\": \"ok\"}\n{\"goal\": \"unterminated}", "line 2: not valid JSON: ");
        assertRefused("{\"goal\": \"ok\"} {\"goal\": \"two on a line\"}", "line 1: not valid JSON: ");
        assertRefused("\n\n[\"goal\"]", "line 3: expected a JSON object, got array");
        assertRefused("{\"context\": \"no goal\"}", "line 1: goal is missing");
        assertRefused("{\"goal\": 42}", "line 1: goal must be a string, got 42");
        assertRefused("{\"goal\": \"g\", \"mdoe\": \"parallel\"}",
                "line 1: unknown field 'mdoe' (expected id, goal, context, mode, timeoutMs, attributes)");
        assertRefused("{\"goal\": \"g\", \"timeoutMs\": \"30s\"}",
                "line 1: timeoutMs must be a whole number of milliseconds, got \"30s\"");
        assertRefused("{\"goal\": \"g\", \"timeoutMs\": 1.5}",
                "line 1: timeoutMs must be a whole number of milliseconds, got 1.5");
        assertRefused("{\"goal\": \"g\", \"attributes\": {\"n\": 1}}", "line 1: attributes.n must be a string, got 1");
        assertRefused("{\"goal\": \"g\", \"attributes\": [1]}", "line 1: attributes must be an object of strings, got [1]");
    }

    @Test
    void tasksThatBreakTheRulesAreRefusedWithTheOrchestratorsReason() {
        assertRefused("{\"goal\": \"ok\"}\n{\"goal\": \"g\", \"mode\": \"diagonal\"}",
                "line 2: unknown mode 'diagonal' (expected parallel, sequential or adaptive)");
        assertRefused("{\"goal\": \"\"}", "line 1: goal is empty");
        assertRefused("{\"goal\": \"g\", \"timeoutMs\": -5}", "line 1: timeoutMs must be positive, got -5");
        assertRefused("{\"id\": \"\", \"goal\": \"g\"}", "line 1: taskId is blank");
    }

    @Test
    void aRepeatedIdIsRefused() {
        assertRefused("{\"id\": \"a\", \"goal\": \"g\"}\n{\"id\": \"b\", \"goal\": \"g\"}\n{\"id\": \"a\", \"goal\": \"g\"}",
                "line 3: id 'a' repeats line 1");
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("tasks.jsonl"), "{\"goal\": \"Ünïcode goal\"}\n", StandardCharsets.UTF_8);

        assertThat(TaskFile.read(file, RULES)).extracting(e -> e.spec().goal()).containsExactly("Ünïcode goal");
    }

    @Test
    void refusesMissingEmptyAndBinaryFiles(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.jsonl");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
        Path binary = Files.write(dir.resolve("binary.jsonl"), new byte[] {(byte) 0xC3, (byte) 0x28});

        assertThatThrownBy(() -> TaskFile.read(missing, RULES)).isInstanceOf(BadInputException.class)
                .hasMessage("cannot read " + missing + ": no such file");
        assertThatThrownBy(() -> TaskFile.read(empty, RULES)).hasMessage(empty + " holds no tasks");
        assertThatThrownBy(() -> TaskFile.read(binary, RULES)).hasMessage("cannot read " + binary + ": not UTF-8 text");
    }

    @Test
    void theSampleFileIsValid() throws IOException {
        try (var in = TaskFileTest.class.getResourceAsStream("/samples/tasks.jsonl")) {
            List<String> lines = new String(Optional.ofNullable(in).orElseThrow().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().toList();
            assertThat(TaskFile.parse(lines, RULES)).hasSizeGreaterThanOrEqualTo(5);
        }
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> TaskFile.parse(text.lines().toList(), RULES))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
