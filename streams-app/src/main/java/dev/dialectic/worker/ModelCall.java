package dev.dialectic.worker;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model call of one request under the task's deadline, the model's guard (rate limits, concurrency,
 * circuit breaker), a timeout per attempt and the retry rules, and says how it ended: {@link Answered},
 * {@link Refused} (the model said no, and no retry can change that) or {@link GaveUp}.
 *
 * <p>This is the operator half of the worker, in the manner of Flink's async I/O: the provider only streams
 * tokens, and this class owns capacity, timeouts and retries. It knows nothing of Kafka; {@link PersonaCall}
 * turns an outcome into a published result and an acknowledgement. Time is read from a {@link Clock} and every
 * wait goes through a {@link Sleeper}, so the rules are unit-tested without waiting.
 */
final class ModelCall {

    private static final Logger log = LoggerFactory.getLogger(ModelCall.class);

    /** Waits between attempts; {@code Thread::sleep} in production, a clock advance in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** The tokens of one attempt: streamed as they arrive, finished once the attempt answered. */
    interface AttemptTokens extends TokenSink {
        /** Called once, after the attempt's answer is complete. */
        void finish();
    }

    /** How a call ended; {@code attempts} counts the model calls made. */
    sealed interface Outcome permits Answered, Refused, GaveUp {
        int attempts();
    }

    /** The model answered. */
    record Answered(Completion completion, int attempts) implements Outcome {}

    /** The model refused the request (a non-retryable failure): the request itself is at fault. */
    record Refused(String reason, int attempts) implements Outcome {}

    /** Every allowed attempt failed, or the deadline came first. */
    record GaveUp(String reason, int attempts) implements Outcome {}

    private final PersonaProfile profile;
    private final Duration callTimeout;
    private final RetryPolicy retry;
    private final ExecutorService modelCalls;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param modelCalls runs each provider call on a thread of its own, so that a timeout can cancel it
     */
    ModelCall(PersonaProfile profile, Duration callTimeout, RetryPolicy retry, ExecutorService modelCalls,
            Clock clock, Sleeper sleeper) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.modelCalls = Objects.requireNonNull(modelCalls, "modelCalls");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Calls the model until it answers, refuses, the attempts run out or {@code deadline} passes.
     *
     * @param tokens the token stream of attempt {@code n} (1 for the first)
     * @throws InterruptedException when the worker shuts down; the running provider call is cancelled
     */
    Outcome run(Prompt prompt, Optional<Instant> deadline, IntFunction<? extends AttemptTokens> tokens)
            throws InterruptedException {
        String lastError = null;
        int attempt = 0;
        while (attempt < retry.maxAttempts()) {
            Duration timeout = callTimeout;
            if (deadline.isPresent()) {
                Duration left = Duration.between(clock.instant(), deadline.get());
                if (left.isNegative() || left.isZero()) {
                    lastError = lastError == null
                            ? "task deadline passed"
                            : lastError + "; then the task deadline passed";
                    break;
                }
                timeout = left.compareTo(timeout) < 0 ? left : timeout;
            }
            attempt++;
            Optional<Duration> retryAfter = Optional.empty();
            ModelGuard.Permit permit;
            try {
                permit = profile.guard().acquire(prompt.text().length() / 4, deadline);
            } catch (LlmException limited) {
                lastError = limited.getMessage();
                if (deadline.isPresent()) {
                    // Waiting for a rate limit or an open circuit is not an attempt at the model; the
                    // deadline bounds the wait.
                    attempt--;
                    backoff(limited.retryAfter().orElse(retry.initialBackoff()), deadline);
                    continue;
                }
                permit = null;
                retryAfter = limited.retryAfter();
            }
            if (permit != null) {
                AttemptTokens attemptTokens = tokens.apply(attempt);
                Future<Completion> call = modelCalls.submit(() -> profile.provider().complete(prompt, attemptTokens));
                try {
                    Completion completion = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    permit.succeeded(completion.outputTokens());
                    attemptTokens.finish();
                    return new Answered(completion, attempt);
                } catch (TimeoutException e) {
                    call.cancel(true);
                    if (timeout.compareTo(callTimeout) < 0) {
                        // The task's deadline ended this call, not the model: no sign of ill health (counted, it
                        // opened the breaker for every task once a backlog pushed many tasks to their deadlines),
                        // and no time is left for another attempt.
                        permit.abandoned();
                        return new GaveUp("gave up after " + attempt + " attempt(s): "
                                + (lastError == null ? "" : lastError + "; then ")
                                + "the task deadline passed during the model call", attempt);
                    }
                    permit.failed(e);
                    lastError = "model call timed out after " + timeout.toMillis() + " ms";
                } catch (InterruptedException e) {
                    call.cancel(true);
                    permit.abandoned();
                    throw e;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof LlmException failure && !failure.retryable()) {
                        permit.refused();
                        return new Refused("the model refused the request: " + failure.getMessage(), attempt);
                    }
                    permit.failed(e.getCause());
                    if (e.getCause() instanceof LlmException failure) {
                        lastError = failure.getMessage();
                        retryAfter = failure.retryAfter();
                    } else {
                        lastError = "provider error: " + e.getCause();
                    }
                }
            }
            if (attempt < retry.maxAttempts()) {
                log.debug("attempt {} of a {} call failed, retrying: {}", attempt, profile.persona(), lastError);
                backoff(retry.backoff(attempt + 1, retryAfter), deadline);
            }
        }
        return new GaveUp("gave up after " + attempt + " attempt(s): " + lastError, attempt);
    }

    private void backoff(Duration wait, Optional<Instant> deadline) throws InterruptedException {
        Duration sleep = wait;
        if (deadline.isPresent()) {
            Duration left = Duration.between(clock.instant(), deadline.get());
            sleep = left.compareTo(sleep) < 0 ? left : sleep;
        }
        if (!sleep.isNegative() && !sleep.isZero()) {
            sleeper.sleep(sleep);
        }
    }
}
