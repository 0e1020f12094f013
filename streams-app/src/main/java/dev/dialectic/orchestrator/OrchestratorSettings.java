package dev.dialectic.orchestrator;

import dev.dialectic.tasks.Mode;
import java.time.Duration;
import java.util.Objects;

/**
 * What the orchestrator's state machine needs to know beyond its topics.
 *
 * @param defaultMode mode of tasks that name none
 * @param taskTimeout how long a task may run, from acceptance, when it names no timeout of its own
 * @param maxGoalChars longest goal accepted; longer tasks are rejected to the dlq
 * @param maxContextChars longest context accepted
 * @param retention how long a finished task's state is kept, so that re-submitting its id is ignored
 * @param timerInterval how often deadlines and retention are checked (wall clock)
 * @param inMemoryStores keep state in memory instead of RocksDB (both are changelogged)
 * @param stageAttemptTimeout how long a stage's request may go unanswered before the orchestrator asks again
 * @param stageMaxAttempts requests issued for one stage at most (the first included) before it fails
 */
public record OrchestratorSettings(
        Mode defaultMode,
        Duration taskTimeout,
        int maxGoalChars,
        int maxContextChars,
        Duration retention,
        Duration timerInterval,
        boolean inMemoryStores,
        Duration stageAttemptTimeout,
        int stageMaxAttempts) {

    /** Default of {@link #stageAttemptTimeout}: one default worker call timeout. */
    public static final Duration DEFAULT_STAGE_ATTEMPT_TIMEOUT = Duration.ofMinutes(2);
    /** Default of {@link #stageMaxAttempts}. */
    public static final int DEFAULT_STAGE_MAX_ATTEMPTS = 3;

    public OrchestratorSettings {
        Objects.requireNonNull(defaultMode, "defaultMode");
        requirePositive(taskTimeout, "taskTimeout");
        requirePositive(retention, "retention");
        requirePositive(timerInterval, "timerInterval");
        requirePositive(stageAttemptTimeout, "stageAttemptTimeout");
        if (stageMaxAttempts < 1) {
            throw new IllegalArgumentException("stageMaxAttempts must be at least 1, got " + stageMaxAttempts);
        }
        if (maxGoalChars < 1 || maxContextChars < 0) {
            throw new IllegalArgumentException("goal and context limits must be positive");
        }
    }

    /** Sensible defaults: parallel, 5 minute timeout, 8k-character goals, 64k-character contexts, 24 h retention. */
    public static OrchestratorSettings defaults() {
        return new OrchestratorSettings(Mode.PARALLEL, Duration.ofMinutes(5), 8_000, 64_000, Duration.ofHours(24),
                Duration.ofMillis(500), false, DEFAULT_STAGE_ATTEMPT_TIMEOUT, DEFAULT_STAGE_MAX_ATTEMPTS);
    }

    /** These settings with {@code mode} for tasks that name none (a release variant's own mode). */
    public OrchestratorSettings withDefaultMode(Mode mode) {
        return new OrchestratorSettings(mode, taskTimeout, maxGoalChars, maxContextChars, retention, timerInterval,
                inMemoryStores, stageAttemptTimeout, stageMaxAttempts);
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + duration);
        }
    }
}
