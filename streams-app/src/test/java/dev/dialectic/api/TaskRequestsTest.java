package dev.dialectic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.schema.Task;
import dev.dialectic.tasks.TaskRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRequestsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private final TaskRequests requests = new TaskRequests(new TaskRules(20, 10));

    private List<Task> parse(String body) {
        return requests.parse(body.getBytes(StandardCharsets.UTF_8), "team-a", NOW);
    }

    private static Problem problem(Throwable thrown) {
        return ((Problem.ProblemException) thrown).problem();
    }

    @Test
    void oneTaskWithTheSchemasFieldNamesAndTheCallersTenant() {
        Task task = parse("{\"taskId\": \"t-1\", \"goal\": \"Why?\", \"context\": \"ctx\", \"mode\": \"sequential\","
                + " \"timeoutMs\": 5000, \"attributes\": {\"team\": \"ops\", \"tenant\": \"team-z\"}}").getFirst();
        assertThat(task.getTaskId()).isEqualTo("t-1");
        assertThat(task.getGoal()).isEqualTo("Why?");
        assertThat(task.getContext()).isEqualTo("ctx");
        assertThat(task.getMode()).isEqualTo("sequential");
        assertThat(task.getTimeoutMs()).isEqualTo(5000L);
        assertThat(task.getSubmittedAt()).isEqualTo(NOW);
        assertThat(task.getAttributes()).isEqualTo(Map.of("team", "ops", "tenant", "team-a"));
    }

    @Test
    void aBatchKeepsItsOrderAndAMissingIdIsGenerated() {
        List<Task> tasks = parse("[{\"goal\": \"one\"}, {\"taskId\": \"b\", \"goal\": \"two\"}]");
        assertThat(tasks).extracting(Task::getGoal).containsExactly("one", "two");
        assertThat(tasks.getFirst().getTaskId()).hasSize(36);
        assertThat(tasks.get(1).getTaskId()).isEqualTo("b");
    }

    @Test
    void eachRefusalNamesTheFieldAtFault() {
        assertThatThrownBy(() -> parse("{\"goal\": \"x\", \"mode\": \"diagonal\"}")).satisfies(e -> {
            assertThat(problem(e).status()).isEqualTo(400);
            assertThat(problem(e).field()).isEqualTo("mode");
            assertThat(problem(e).detail()).isEqualTo("unknown mode 'diagonal' (expected parallel, sequential or adaptive)");
        });
        assertThatThrownBy(() -> parse("{\"context\": \"c\"}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("goal"));
        assertThatThrownBy(() -> parse("{\"goal\": \"" + "x".repeat(21) + "\"}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("goal"));
        assertThatThrownBy(() -> parse("{\"goal\": \"x\", \"context\": \"" + "c".repeat(11) + "\"}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("context"));
        assertThatThrownBy(() -> parse("{\"goal\": \"x\", \"timeoutMs\": 1.5}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("timeoutMs"));
        assertThatThrownBy(() -> parse("{\"goal\": \"x\", \"taskId\": \" \"}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("taskId"));
        assertThatThrownBy(() -> parse("{\"goal\": \"x\", \"attributes\": {\"n\": 1}}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("attributes.n"));
        assertThatThrownBy(() -> parse("{\"goal\": 42}"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("goal"));
        assertThatThrownBy(() -> parse("{\"goal\": \"x\", \"id\": \"t\"}")).satisfies(e -> {
            assertThat(problem(e).field()).isEqualTo("id");
            assertThat(problem(e).detail()).startsWith("unknown field 'id'");
        });
    }

    @Test
    void aBatchIsAllOrNothingAndNamesTheTaskByIndex() {
        assertThatThrownBy(() -> parse("[{\"goal\": \"ok\"}, {\"goal\": \"\"}]"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("tasks[1].goal"));
        assertThatThrownBy(() -> parse("[{\"taskId\": \"a\", \"goal\": \"x\"}, {\"taskId\": \"a\", \"goal\": \"y\"}]"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("tasks[1].taskId"));
        assertThatThrownBy(() -> parse("[{\"goal\": \"ok\"}, 7]"))
                .satisfies(e -> assertThat(problem(e).field()).isEqualTo("tasks[1]"));
        assertThatThrownBy(() -> parse("[]")).satisfies(e -> assertThat(problem(e).field()).isNull());
    }

    @Test
    void bodiesThatAreNotTasksAreRefused() {
        for (String body : List.of("", "{\"goal\": ", "\"text\"", "{\"goal\": \"x\"} trailing")) {
            assertThatThrownBy(() -> parse(body)).as(body)
                    .satisfies(e -> assertThat(problem(e).status()).isEqualTo(400));
        }
    }
}
