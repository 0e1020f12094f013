package dev.dialectic.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dialectic.llm.LlmException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelGuardTest {

    private static ModelGuard.Limits limits(Integer rpm, Integer tpm, Integer concurrency) {
        return new ModelGuard.Limits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(concurrency),
                4, 50f, Duration.ofMillis(300));
    }

    @Test
    void requestsPerMinuteSpaceCallsOut() throws Exception {
        ModelGuard guard = new ModelGuard("m", limits(600, null, null)); // one call every 100 ms
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            guard.acquire(1, Optional.empty()).succeeded(1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aRateLimitThatWouldPassTheDeadlineFailsAtOnceAsRetryable() throws Exception {
        ModelGuard guard = new ModelGuard("m", limits(1, null, null)); // one call a minute
        guard.acquire(1, Optional.empty()).succeeded(1);
        assertThatThrownBy(() -> guard.acquire(1, Optional.of(Instant.now().plusSeconds(1))))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("requests per minute").hasMessageContaining("deadline");
    }

    @Test
    void theConcurrencyCapHoldsBackTheNextCallUntilASlotFrees() throws Exception {
        ModelGuard guard = new ModelGuard("m", limits(null, null, 2));
        ModelGuard.Permit first = guard.acquire(1, Optional.empty());
        guard.acquire(1, Optional.empty());
        assertThatThrownBy(() -> guard.acquire(1, Optional.of(Instant.now().plusMillis(100))))
                .hasMessageContaining("no free slot");
        first.succeeded(1);
        assertThat(guard.acquire(1, Optional.of(Instant.now().plusMillis(100)))).isNotNull();
    }

    @Test
    void theBreakerOpensOnSustainedFailureAndLetsOneProbeThroughLater() throws Exception {
        ModelGuard guard = new ModelGuard("m", limits(null, null, null)); // judged after 2 of a 4-call window
        guard.acquire(1, Optional.empty()).failed(LlmException.retryable("503"));
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        guard.acquire(1, Optional.empty()).failed(LlmException.retryable("503"));
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> guard.acquire(1, Optional.empty()))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofMillis(300));
                })
                .hasMessageContaining("circuit breaker");

        ModelGuard.Permit probe = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> guard.acquire(1, Optional.empty()), p -> p != null);
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThatThrownBy(() -> guard.acquire(1, Optional.empty())).as("only one probe at a time")
                .hasMessageContaining("circuit breaker");
        probe.succeeded(5);
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theDefaultBreakerStaysClosedUnderATwentyPercentFaultRate() throws Exception {
        ModelGuard guard = ModelGuard.unlimited("m");
        SplittableRandom faults = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            ModelGuard.Permit permit = guard.acquire(1, Optional.empty());
            if (faults.nextDouble() < 0.2) {
                permit.failed(LlmException.retryable("503"));
            } else {
                permit.succeeded(1);
            }
            assertThat(guard.circuitState()).as("after call %d", i).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void refusalsAndAbandonedCallsDoNotCountAgainstTheModel() throws Exception {
        ModelGuard guard = new ModelGuard("m", limits(null, null, 1));
        for (int i = 0; i < 10; i++) {
            ModelGuard.Permit permit = guard.acquire(1, Optional.empty());
            if (i % 2 == 0) {
                permit.refused();
            } else {
                permit.abandoned();
            }
        }
        assertThat(guard.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(guard.acquire(1, Optional.of(Instant.now().plusMillis(100)))).as("slots were released").isNotNull();
    }
}
