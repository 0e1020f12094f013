package dev.dialectic.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter for retryable model failures, honouring a provider's
 * {@code Retry-After}, bounded by an attempt limit (the caller also bounds it by the task's deadline).
 *
 * @param maxAttempts model calls per request at most (1 means no retry)
 * @param initialBackoff backoff ceiling before the second attempt
 * @param maxBackoff backoff ceiling never exceeded
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need maxAttempts >= 1 and 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** 4 attempts, backoff from 250 ms up to 10 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(10));
    }

    /**
     * How long to wait before attempt {@code nextAttempt} (2 for the first retry): the provider's
     * {@code Retry-After} when given, else a random time up to {@code initialBackoff * 2^(nextAttempt-2)}, capped.
     */
    public Duration backoff(int nextAttempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            return retryAfter.get().compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter.get();
        }
        long ceiling = initialBackoff.toMillis() << Math.min(20, Math.max(0, nextAttempt - 2));
        ceiling = Math.min(ceiling, maxBackoff.toMillis());
        return Duration.ofMillis(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
