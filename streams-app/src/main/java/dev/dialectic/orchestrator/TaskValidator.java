package dev.dialectic.orchestrator;

import dev.dialectic.schema.Task;
import dev.dialectic.tasks.TaskRules;
import java.util.Optional;

/** Decides whether a decoded task is accepted; a rejection carries the one-line reason sent to the dlq. */
final class TaskValidator {

    private final TaskRules rules;

    TaskValidator(OrchestratorSettings settings) {
        this.rules = new TaskRules(settings.maxGoalChars(), settings.maxContextChars());
    }

    /** Why {@code task}, read under record key {@code key}, is rejected; empty when it is accepted. */
    Optional<String> rejection(String key, Task task) {
        Optional<String> violation = rules.violation(task);
        if (violation.isPresent()) {
            return violation;
        }
        if (key == null) {
            return Optional.of("record has no key; the key must be the taskId '" + task.getTaskId() + "'");
        }
        if (!key.equals(task.getTaskId())) {
            return Optional.of("record key '" + key + "' differs from taskId '" + task.getTaskId() + "'");
        }
        return Optional.empty();
    }
}
