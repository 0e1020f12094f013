package dev.dialectic.producers;

import dev.dialectic.tasks.TaskRules;

/**
 * A task was refused before anything was sent, because it breaks the {@link TaskRules} the orchestrator
 * enforces. {@link #reason()} is the orchestrator's own one-line reason (e.g.
 * {@code unknown mode 'diagonal' (expected parallel, sequential or adaptive)}).
 */
public final class InvalidTaskException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final String reason;
    private final int index;

    /**
     * @param taskId the refused task's id
     * @param reason why, in one line
     * @param index the task's position in the list given to {@link DialecticClient#submitAll}, or -1 for
     *     {@link DialecticClient#submit}
     */
    public InvalidTaskException(String taskId, String reason, int index) {
        super(index < 0 ? reason : "tasks[" + index + "] (id '" + taskId + "'): " + reason);
        this.taskId = taskId;
        this.reason = reason;
        this.index = index;
    }

    /** The refused task's id. */
    public String taskId() {
        return taskId;
    }

    /** Why the task was refused, in one line, without naming the task. */
    public String reason() {
        return reason;
    }

    /** The refused task's position in the batch given to {@code submitAll}, or -1 for a single submission. */
    public int index() {
        return index;
    }
}
