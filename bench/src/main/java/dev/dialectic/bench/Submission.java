package dev.dialectic.bench;

import dev.dialectic.tasks.Mode;

/**
 * A task the load generator sent.
 *
 * @param taskId the task's id (also its key)
 * @param mode the mode the task asked for
 * @param sentNanos {@link System#nanoTime()} just before it was handed to the producer
 * @param sentAtMillis the wall clock at the same moment; the task's {@code submittedAt}
 */
record Submission(String taskId, Mode mode, long sentNanos, long sentAtMillis) {}
