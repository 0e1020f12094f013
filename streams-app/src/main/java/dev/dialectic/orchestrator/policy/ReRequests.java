package dev.dialectic.orchestrator.policy;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Asking again for an unanswered stage: a request the share group archived unserved, or one with no answer
 * within the attempt timeout, gets a new attempt, up to a number of requests per stage; after that the stage fails.
 */
public final class ReRequests {

    private final Duration attemptTimeout;
    private final int maxAttempts;

    public ReRequests(Duration attemptTimeout, int maxAttempts) {
        this.attemptTimeout = attemptTimeout;
        this.maxAttempts = maxAttempts;
    }

    /** When an attempt requested at {@code now} is overdue; empty when the task's deadline comes first. */
    public OptionalLong due(long now, long deadline) {
        long due = now + attemptTimeout.toMillis();
        return due < deadline ? OptionalLong.of(due) : OptionalLong.empty();
    }

    /** Whether a stage that has had {@code attempts} requests may not be asked again. */
    public boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    /** Why an overdue attempt is asked again, for the ledger. */
    public String overdue(int attempt) {
        return "attempt " + attempt + " had no answer after " + attemptTimeout.toMillis() + " ms";
    }
}
