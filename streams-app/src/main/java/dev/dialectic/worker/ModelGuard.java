package dev.dialectic.worker;

import dev.dialectic.llm.LlmException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The limits of one model, shared by every call a worker process makes to it: requests per minute, tokens per
 * minute, calls at once, and a circuit breaker that opens on sustained failure and lets one probe through
 * after a pause.
 *
 * <p>A call first takes a {@link Permit} (waiting for rate and concurrency, never past the deadline it is
 * given), then reports how it ended. Rate limiting and circuit breaking come from resilience4j; the
 * concurrency cap is a plain semaphore.
 */
public final class ModelGuard {

    private final String name;
    private final Optional<RateLimiter> requests;
    private final Optional<RateLimiter> tokens;
    private final int tokensPerSecond;
    private final Optional<Semaphore> concurrency;
    private final CircuitBreaker breaker;
    private final Duration openFor;

    /** A guard for the model called {@code name} (for messages), with {@code limits}. */
    public ModelGuard(String name, Limits limits) {
        this.name = name;
        this.requests = limits.requestsPerMinute().map(rpm -> RateLimiter.of(name + "-requests",
                RateLimiterConfig.custom()
                        .limitForPeriod(1)
                        .limitRefreshPeriod(Duration.ofNanos(Math.max(1, 60_000_000_000L / rpm)))
                        .timeoutDuration(Duration.ofHours(1))
                        .build()));
        this.tokensPerSecond = limits.tokensPerMinute().map(tpm -> Math.max(1, tpm / 60)).orElse(0);
        this.tokens = limits.tokensPerMinute().map(tpm -> RateLimiter.of(name + "-tokens",
                RateLimiterConfig.custom()
                        .limitForPeriod(tokensPerSecond)
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ofHours(1))
                        .build()));
        this.concurrency = limits.maxConcurrency().map(max -> new Semaphore(max, true));
        this.openFor = limits.circuitOpenFor();
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(limits.circuitWindow())
                .minimumNumberOfCalls(Math.max(1, limits.circuitWindow() / 2))
                .failureRateThreshold(limits.circuitFailureRatePercent())
                .waitDurationInOpenState(limits.circuitOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    }

    /** A guard with no limits but the default circuit breaker. */
    public static ModelGuard unlimited(String name) {
        return new ModelGuard(name, Limits.none());
    }

    /**
     * Waits until a call of about {@code inputTokens} prompt tokens may start, but not past {@code deadline}.
     *
     * @throws LlmException (retryable) when the circuit is open or the limits would make the call start too late
     */
    public Permit acquire(int inputTokens, Optional<Instant> deadline) throws LlmException, InterruptedException {
        try {
            breaker.acquirePermission();
        } catch (CallNotPermittedException e) {
            throw new LlmException("circuit breaker for " + name + " is open after repeated failures", true,
                    Optional.of(openFor), null);
        }
        boolean held = false;
        try {
            if (concurrency.isPresent()) {
                long wait = deadline.map(d -> Duration.between(Instant.now(), d).toNanos()).orElse(Long.MAX_VALUE);
                if (!concurrency.get().tryAcquire(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                    throw LlmException.retryable("no free slot for " + name + " before the deadline");
                }
                held = true;
            }
            if (requests.isPresent()) {
                reserve(requests.get(), 1, deadline, "requests per minute");
            }
            if (tokens.isPresent()) {
                reserve(tokens.get(), Math.min(Math.max(1, inputTokens), tokensPerSecond), deadline, "tokens per minute");
            }
            return new Permit(held);
        } catch (LlmException | InterruptedException | RuntimeException e) {
            if (held) {
                concurrency.get().release();
            }
            breaker.releasePermission();
            throw e;
        }
    }

    private void reserve(RateLimiter limiter, int permits, Optional<Instant> deadline, String limit)
            throws LlmException, InterruptedException {
        long waitNanos = limiter.reservePermission(permits);
        if (waitNanos < 0) {
            throw LlmException.retryable(name + " is over its " + limit);
        }
        if (deadline.isPresent() && Instant.now().plusNanos(waitNanos).isAfter(deadline.get())) {
            throw LlmException.retryable(name + " is over its " + limit + " until after the deadline");
        }
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
    }

    /** The breaker's state, for metrics and tests. */
    public CircuitBreaker.State circuitState() {
        return breaker.getState();
    }

    /** The right to make one call; report exactly one outcome. */
    public final class Permit {
        private final long startNanos = System.nanoTime();
        private final boolean holdsSlot;
        private boolean reported;

        private Permit(boolean holdsSlot) {
            this.holdsSlot = holdsSlot;
        }

        /** The model answered, with {@code outputTokens} tokens (counted against tokens per minute). */
        public void succeeded(int outputTokens) {
            if (report()) {
                breaker.onSuccess(elapsed(), TimeUnit.NANOSECONDS);
                if (tokens.isPresent() && outputTokens > 0) {
                    tokens.get().reservePermission(Math.min(outputTokens, tokensPerSecond));
                }
            }
        }

        /** The model answered with a refusal of this request (a 400): no sign of ill health. */
        public void refused() {
            if (report()) {
                breaker.onSuccess(elapsed(), TimeUnit.NANOSECONDS);
            }
        }

        /** The call failed in a way that says the model is unwell (timeout, 429, 5xx, disconnect). */
        public void failed(Throwable cause) {
            if (report()) {
                breaker.onError(elapsed(), TimeUnit.NANOSECONDS, cause);
            }
        }

        /** The call was abandoned (shutdown): it says nothing about the model. */
        public void abandoned() {
            if (report()) {
                breaker.releasePermission();
            }
        }

        private boolean report() {
            if (reported) {
                return false;
            }
            reported = true;
            if (holdsSlot) {
                concurrency.get().release();
            }
            return true;
        }

        private long elapsed() {
            return System.nanoTime() - startNanos;
        }
    }

    /**
     * Limits of one model; empty means unlimited.
     *
     * @param requestsPerMinute requests started per minute, spread evenly
     * @param tokensPerMinute prompt plus answer tokens per minute
     * @param maxConcurrency calls at once
     * @param circuitWindow how many recent calls the breaker judges by
     * @param circuitFailureRatePercent failure rate (in %) over that window that opens the breaker
     * @param circuitOpenFor how long the breaker stays open before letting one probe through
     */
    public record Limits(Optional<Integer> requestsPerMinute, Optional<Integer> tokensPerMinute,
            Optional<Integer> maxConcurrency, int circuitWindow, float circuitFailureRatePercent,
            Duration circuitOpenFor) {

        public Limits {
            Objects.requireNonNull(circuitOpenFor, "circuitOpenFor");
            requirePositive(requestsPerMinute, "requests per minute");
            requirePositive(tokensPerMinute, "tokens per minute");
            requirePositive(maxConcurrency, "max concurrency");
            if (circuitWindow < 1 || circuitFailureRatePercent <= 0 || circuitFailureRatePercent > 100) {
                throw new IllegalArgumentException("need a circuit window >= 1 and a failure rate in (0, 100]");
            }
        }

        /**
         * No rate or concurrency limit; a breaker opening at 50% failures over the last 100 calls, for 10 s. A
         * shorter window opens by chance: at a 20% fault rate, 10 failures among 20 calls happen often enough
         * over thousands of calls to stall a busy worker for no reason.
         */
        public static Limits none() {
            return new Limits(Optional.empty(), Optional.empty(), Optional.empty(), 100, 50f, Duration.ofSeconds(10));
        }

        private static void requirePositive(Optional<Integer> value, String what) {
            if (value.isPresent() && value.get() < 1) {
                throw new IllegalArgumentException(what + " must be positive, got " + value.get());
            }
        }
    }
}
