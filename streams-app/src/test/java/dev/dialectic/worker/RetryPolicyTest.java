package dev.dialectic.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void backoffGrowsExponentiallyWithJitterUpToItsCap() {
        assertThat(IntStream.range(0, 200).mapToObj(i -> policy.backoff(2, Optional.empty())))
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(100)));
        assertThat(IntStream.range(0, 200).mapToObj(i -> policy.backoff(4, Optional.empty())))
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(400)))
                .anySatisfy(d -> assertThat(d).isGreaterThan(Duration.ofMillis(100)));
        assertThat(IntStream.range(0, 200).mapToObj(i -> policy.backoff(30, Optional.empty())))
                .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    void retryAfterIsHonouredButCapped() {
        assertThat(policy.backoff(2, Optional.of(Duration.ofMillis(700)))).isEqualTo(Duration.ofMillis(700));
        assertThat(policy.backoff(2, Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofSeconds(1));
    }
}
