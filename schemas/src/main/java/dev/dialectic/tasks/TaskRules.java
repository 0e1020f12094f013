package dev.dialectic.tasks;

import dev.dialectic.schema.Task;
import java.util.Optional;

/**
 * What makes a {@link Task} acceptable. The orchestrator enforces these rules (rejections go to the dlq);
 * producers apply the same rules before sending, so a bad task is refused with the same one-line reason.
 *
 * @param maxGoalChars longest goal accepted
 * @param maxContextChars longest context accepted
 */
public record TaskRules(int maxGoalChars, int maxContextChars) {

    /** The orchestrator's default limits. */
    public static final TaskRules DEFAULTS = new TaskRules(8_000, 64_000);

    public TaskRules {
        if (maxGoalChars < 1 || maxContextChars < 0) {
            throw new IllegalArgumentException("goal and context limits must be positive");
        }
    }

    /**
     * Why a task is not acceptable: the field at fault (its name in the {@code Task} schema) and the one-line
     * reason.
     */
    public record Violation(String field, String reason) {}

    /** Why {@code task} is not acceptable, in one line; empty when it is. */
    public Optional<String> violation(Task task) {
        return check(task).map(Violation::reason);
    }

    /** Why {@code task} is not acceptable, with the field at fault; empty when it is. */
    public Optional<Violation> check(Task task) {
        String taskId = task.getTaskId();
        if (taskId == null || taskId.isBlank()) {
            return violation("taskId", "taskId is blank");
        }
        String goal = task.getGoal();
        if (goal == null || goal.isBlank()) {
            return violation("goal", "goal is empty");
        }
        if (goal.length() > maxGoalChars) {
            return violation("goal",
                    "goal has " + goal.length() + " characters, more than the limit of " + maxGoalChars);
        }
        if (task.getContext() != null && task.getContext().length() > maxContextChars) {
            return violation("context", "context has " + task.getContext().length()
                    + " characters, more than the limit of " + maxContextChars);
        }
        if (task.getMode() != null && Mode.parse(task.getMode()).isEmpty()) {
            return violation("mode", "unknown mode '" + task.getMode() + "' (expected parallel, sequential or adaptive)");
        }
        if (task.getTimeoutMs() != null && task.getTimeoutMs() <= 0) {
            return violation("timeoutMs", "timeoutMs must be positive, got " + task.getTimeoutMs());
        }
        return Optional.empty();
    }

    private static Optional<Violation> violation(String field, String reason) {
        return Optional.of(new Violation(field, reason));
    }
}
