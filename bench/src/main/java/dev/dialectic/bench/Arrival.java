package dev.dialectic.bench;

import dev.dialectic.schema.ResultStatus;

/**
 * The first sight of a task's result by the {@code read_committed} results reader.
 *
 * @param taskId the task
 * @param status the result's status
 * @param seenNanos {@link System#nanoTime()} when the poll that returned it came back
 * @param seenAtMillis the wall clock at the same moment
 */
record Arrival(String taskId, ResultStatus status, long seenNanos, long seenAtMillis) {}
