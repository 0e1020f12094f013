package dev.dialectic.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider call that did not produce an answer. {@link #retryable()} tells the worker whether the same
 * request could succeed later (timeouts, 429, 5xx, dropped connections) or never will (400, a prompt the
 * model refuses, a missing model).
 */
public class LlmException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final transient Optional<Duration> retryAfter;

    public LlmException(String message, boolean retryable, Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** A failure that may go away on retry. */
    public static LlmException retryable(String message) {
        return new LlmException(message, true, Optional.empty(), null);
    }

    /** A failure that no retry can fix. */
    public static LlmException fatal(String message) {
        return new LlmException(message, false, Optional.empty(), null);
    }

    /** Whether retrying the same request may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** How long the provider asked us to wait before retrying ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return retryAfter == null ? Optional.empty() : retryAfter;
    }
}
