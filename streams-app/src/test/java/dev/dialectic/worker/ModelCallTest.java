package dev.dialectic.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmException;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The retry, deadline and refusal rules of a model call, on a clock that only moves when the call waits. */
class ModelCallTest {

    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");
    private static final Prompt PROMPT = new Prompt("m", List.of(Prompt.Message.user("why?")), 16, 0.0);

    private final ManualClock clock = new ManualClock(START);
    private final List<Duration> sleeps = new ArrayList<>();
    private final ScriptedProvider provider = new ScriptedProvider();
    private final ExecutorService modelCalls = Executors.newVirtualThreadPerTaskExecutor();
    private final List<RecordingTokens> attempts = new ArrayList<>();

    @AfterEach
    void tearDown() {
        modelCalls.shutdownNow();
    }

    @Test
    void anAnswerOnTheFirstAttemptFinishesItsTokens() throws Exception {
        provider.answers("first");

        ModelCall.Outcome outcome = call(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)))
                .run(PROMPT, Optional.empty(), this::tokens);

        assertThat(outcome).isEqualTo(new ModelCall.Answered(completion("first"), 1));
        assertThat(attempts).hasSize(1);
        assertThat(attempts.getFirst().finished).isTrue();
        assertThat(attempts.getFirst().tokens).containsExactly("first");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void retryableFailuresAreRetriedWithBackoffUntilAnAnswer() throws Exception {
        provider.fails(LlmException.retryable("503")).fails(LlmException.retryable("reset")).answers("third");

        ModelCall.Outcome outcome = call(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1)))
                .run(PROMPT, Optional.empty(), this::tokens);

        assertThat(outcome).isEqualTo(new ModelCall.Answered(completion("third"), 3));
        assertThat(attempts).extracting(t -> t.finished).containsExactly(false, false, true);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(200));
    }

    @Test
    void aProvidersRetryAfterIsWhatTheCallWaits() throws Exception {
        provider.fails(new LlmException("429", true, Optional.of(Duration.ofMillis(700)), null)).answers("later");

        ModelCall.Outcome outcome = call(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofSeconds(5)))
                .run(PROMPT, Optional.empty(), this::tokens);

        assertThat(outcome).isInstanceOf(ModelCall.Answered.class);
        assertThat(sleeps).containsExactly(Duration.ofMillis(700));
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        provider.fails(LlmException.fatal("400 prompt too long")).answers("never asked");

        ModelCall.Outcome outcome = call(RetryPolicy.defaults()).run(PROMPT, Optional.empty(), this::tokens);

        assertThat(outcome).isEqualTo(new ModelCall.Refused("the model refused the request: 400 prompt too long", 1));
        assertThat(provider.calls.get()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void whenEveryAttemptFailsTheCallGivesUpWithTheLastError() throws Exception {
        provider.fails(LlmException.retryable("503")).fails(LlmException.retryable("502"))
                .fails(new IllegalStateException("boom"));

        ModelCall.Outcome outcome = call(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)))
                .run(PROMPT, Optional.empty(), this::tokens);

        assertThat(outcome).isEqualTo(new ModelCall.GaveUp(
                "gave up after 3 attempt(s): provider error: java.lang.IllegalStateException: boom", 3));
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void noAttemptStartsAfterTheDeadline() throws Exception {
        provider.answers("too late");

        ModelCall.Outcome outcome = call(RetryPolicy.defaults()).run(PROMPT, Optional.of(START), this::tokens);

        assertThat(outcome).isEqualTo(new ModelCall.GaveUp("gave up after 0 attempt(s): task deadline passed", 0));
        assertThat(provider.calls.get()).isZero();
    }

    @Test
    void aBackoffNeverWaitsPastTheDeadlineAndTheDeadlineEndsTheRetries() throws Exception {
        provider.fails(new LlmException("429", true, Optional.of(Duration.ofSeconds(30)), null)).answers("unused");
        Instant deadline = START.plusSeconds(2);

        ModelCall.Outcome outcome = call(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMinutes(1)))
                .run(PROMPT, Optional.of(deadline), this::tokens);

        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
        assertThat(outcome).isEqualTo(new ModelCall.GaveUp("gave up after 1 attempt(s): 429; then the task deadline passed", 1));
        assertThat(provider.calls.get()).isEqualTo(1);
    }

    @Test
    void aCallThatOutlivesItsTimeoutIsCancelledAndCountsAsAFailedAttempt() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        provider.hangs(cancelled);

        ModelCall.Outcome outcome = new ModelCall(profile(), Duration.ofMillis(20),
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO), modelCalls, clock, sleeps::add)
                .run(PROMPT, Optional.empty(), this::tokens);

        assertThat(outcome).isEqualTo(new ModelCall.GaveUp("gave up after 1 attempt(s): model call timed out after 20 ms", 1));
        cancelled.await(); // the hung provider call was interrupted, not left running
    }

    @Test
    void aCallCutShortByTheDeadlineSaysSoAndDoesNotCountAgainstTheModel() throws Exception {
        provider.hangs(new CountDownLatch(1));
        // A breaker that would open at the first failure.
        ModelGuard guard = new ModelGuard("m", new ModelGuard.Limits(Optional.empty(), Optional.empty(),
                Optional.empty(), 1, 100f, Duration.ofMinutes(1)));
        PersonaProfile profile = new PersonaProfile("thesis", provider, "m", "be brief", 16, 0.0, guard);

        ModelCall.Outcome outcome = new ModelCall(profile, Duration.ofMinutes(1),
                new RetryPolicy(3, Duration.ZERO, Duration.ZERO), modelCalls, clock, sleeps::add)
                .run(PROMPT, Optional.of(START.plusMillis(20)), this::tokens);

        assertThat(outcome).isEqualTo(
                new ModelCall.GaveUp("gave up after 1 attempt(s): the task deadline passed during the model call", 1));
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(provider.calls.get()).isEqualTo(1);
    }

    private ModelCall call(RetryPolicy retry) {
        return new ModelCall(profile(), Duration.ofMinutes(1), retry, modelCalls, clock, duration -> {
            sleeps.add(duration);
            clock.advance(duration);
        });
    }

    private PersonaProfile profile() {
        return new PersonaProfile("thesis", provider, "m", "be brief", 16, 0.0, ModelGuard.unlimited("m"));
    }

    private RecordingTokens tokens(int attempt) {
        RecordingTokens tokens = new RecordingTokens();
        attempts.add(tokens);
        assertThat(attempt).isEqualTo(attempts.size());
        return tokens;
    }

    private static Completion completion(String text) {
        return new Completion(text, "m", 3, 1, Optional.empty());
    }

    private static final class RecordingTokens implements ModelCall.AttemptTokens {
        final List<String> tokens = new ArrayList<>();
        boolean finished;

        @Override
        public void onToken(String text) {
            tokens.add(text);
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    /** Answers each call with the next scripted behaviour. */
    private static final class ScriptedProvider implements LlmProvider {
        private interface Behaviour {
            Completion run(TokenSink tokens) throws Exception;
        }

        private final Deque<Behaviour> script = new ArrayDeque<>();
        final AtomicInteger calls = new AtomicInteger();

        ScriptedProvider answers(String text) {
            script.add(tokens -> {
                tokens.onToken(text);
                return completion(text);
            });
            return this;
        }

        ScriptedProvider fails(Exception failure) {
            script.add(tokens -> {
                throw failure;
            });
            return this;
        }

        ScriptedProvider hangs(CountDownLatch cancelled) {
            script.add(tokens -> {
                try {
                    new CountDownLatch(1).await();
                } finally {
                    cancelled.countDown();
                }
                return completion("never");
            });
            return this;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Completion complete(Prompt prompt, TokenSink tokens) throws LlmException, InterruptedException {
            calls.incrementAndGet();
            try {
                return script.removeFirst().run(tokens);
            } catch (LlmException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
