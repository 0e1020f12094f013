package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchStatisticsTest {

    @Test
    void percentilesUseTheNearestRank() {
        List<Duration> hundred = IntStream.rangeClosed(1, 100).mapToObj(Duration::ofSeconds).toList();

        BatchStatistics.Latency latency = BatchStatistics.Latency.of(hundred).orElseThrow();

        assertThat(latency.count()).isEqualTo(100);
        assertThat(latency.mean()).isEqualTo(Duration.ofMillis(50_500));
        assertThat(latency.p50()).isEqualTo(Duration.ofSeconds(50));
        assertThat(latency.p95()).isEqualTo(Duration.ofSeconds(95));
        assertThat(latency.max()).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void percentilesOfFewSamplesAreSamplesAndIgnoreArrivalOrder() {
        BatchStatistics.Latency latency = BatchStatistics.Latency.of(
                List.of(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(20))).orElseThrow();

        assertThat(latency.p50()).isEqualTo(Duration.ofSeconds(20));
        assertThat(latency.p95()).isEqualTo(Duration.ofSeconds(30));
        assertThat(latency.mean()).isEqualTo(Duration.ofSeconds(20));
        assertThat(BatchStatistics.Latency.of(List.of(Duration.ofSeconds(7))).orElseThrow().p95())
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(BatchStatistics.Latency.of(List.of())).isEmpty();
    }

    @Test
    void countsOutcomesAndNamesTheTasksThatDidNotSucceed() {
        Map<String, SynthesisResult> results = Map.of(
                "a", result("a", ResultStatus.SUCCEEDED, null),
                "b", result("b", ResultStatus.PARTIAL, "stage synthesis failed: timeout"),
                "c", result("c", ResultStatus.FAILED, "deadline of PT30S exceeded"),
                "d", result("d", ResultStatus.SUCCEEDED, null));
        Map<String, Duration> latencies = new HashMap<>(Map.of(
                "a", Duration.ofSeconds(10), "b", Duration.ofSeconds(12), "c", Duration.ofSeconds(30),
                "d", Duration.ofSeconds(20)));

        BatchStatistics statistics = BatchStatistics.of(List.of("a", "b", "c", "d", "e", "f"), results, latencies);

        assertThat(statistics.total()).isEqualTo(6);
        assertThat(statistics.succeeded()).isEqualTo(2);
        assertThat(statistics.partial()).containsExactly(new BatchStatistics.Outcome("b", "stage synthesis failed: timeout"));
        assertThat(statistics.failed()).containsExactly(new BatchStatistics.Outcome("c", "deadline of PT30S exceeded"));
        assertThat(statistics.timedOut()).containsExactly("e", "f");
        assertThat(statistics.latency().orElseThrow().max()).isEqualTo(Duration.ofSeconds(30));
        assertThat(statistics.render()).contains(
                "batch: 6 tasks, 2 succeeded, 1 partial, 1 failed, 2 timed out waiting",
                "  partial b: stage synthesis failed: timeout",
                "  failed  c: deadline of PT30S exceeded",
                "  timed out waiting: e, f",
                "latency (task sent to result visible, 4 tasks): mean 18.0s  p50 12.0s  p95 30.0s  max 30.0s");
    }

    @Test
    void aBatchWithoutResultsHasNoLatency() {
        BatchStatistics statistics = BatchStatistics.of(List.of("a"), Map.of(), Map.of());

        assertThat(statistics.latency()).isEmpty();
        assertThat(statistics.render()).contains("latency: no result arrived");
    }

    private static SynthesisResult result(String id, ResultStatus status, String reason) {
        return SynthesisResult.newBuilder().setTaskId(id).setStatus(status).setText(null).setReason(reason)
                .setGoal("g").setMode("parallel").setVariant("baseline").setOutputs(new HashMap<>())
                .setSubmittedAt(Instant.EPOCH).setFinishedAt(Instant.EPOCH.plusSeconds(1)).build();
    }
}
