package dev.dialectic.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(RetryAfter.retryAfter("2", NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.retryAfter(" 1.5 ", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.retryAfter("Sun, 01 Mar 2026 12:00:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.retryAfter("Sun, 01 Mar 2026 11:59:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.retryAfter("-3", NOW)).isEmpty();
        assertThat(RetryAfter.retryAfter("1e99", NOW)).isEmpty();
        assertThat(RetryAfter.retryAfter("soon", NOW)).isEmpty();
    }

    @Test
    void openAiResetsAreGoDurations() {
        assertThat(RetryAfter.goDuration("20ms")).contains(Duration.ofMillis(20));
        assertThat(RetryAfter.goDuration("6m0s")).contains(Duration.ofMinutes(6));
        assertThat(RetryAfter.goDuration("1h2m3.5s")).contains(Duration.parse("PT1H2M3.5S"));
        assertThat(RetryAfter.goDuration("5x")).isEmpty();
        assertThat(RetryAfter.goDuration("1s junk")).isEmpty();
        assertThat(RetryAfter.goDuration("")).isEmpty();
    }

    @Test
    void millisecondsWinThenRetryAfterThenTheLaterRateLimitResetForA429() {
        assertThat(RetryAfter.from(headers(Map.of("retry-after-ms", "250", "Retry-After", "3")), true, NOW))
                .contains(Duration.ofMillis(250));
        assertThat(RetryAfter.from(headers(Map.of("Retry-After", "3", "x-ratelimit-reset-tokens", "9s")), true, NOW))
                .contains(Duration.ofSeconds(3));
        Map<String, String> resets = Map.of("x-ratelimit-reset-requests", "1s", "x-ratelimit-reset-tokens", "6m0s");
        assertThat(RetryAfter.from(headers(resets), true, NOW)).contains(Duration.ofMinutes(6));
        assertThat(RetryAfter.from(headers(resets), false, NOW)).isEmpty();
    }

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> multi = new java.util.HashMap<>();
        values.forEach((name, value) -> multi.put(name, List.of(value)));
        return HttpHeaders.of(multi, (name, value) -> true);
    }
}
