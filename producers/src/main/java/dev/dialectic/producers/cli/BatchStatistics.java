package dev.dialectic.producers.cli;

import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.text.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a batch that was waited for came to: how many tasks succeeded, which ended partial or failed and why,
 * which were still without a result when the wait gave up, and the latency from sending a task to its result
 * becoming visible to the client.
 *
 * @param total tasks submitted
 * @param succeeded tasks whose result is SUCCEEDED
 * @param partial tasks whose result is PARTIAL, with the reason
 * @param failed tasks whose result is FAILED, with the reason
 * @param timedOut tasks without a result when the wait gave up
 * @param latency over every task whose result arrived; empty if none did
 */
record BatchStatistics(
        int total, int succeeded, List<Outcome> partial, List<Outcome> failed, List<String> timedOut,
        Optional<Latency> latency) {

    /** A task that did not fully succeed, and why. */
    record Outcome(String taskId, String reason) {}

    /**
     * Latency percentiles by the nearest-rank method: the p-th percentile of n sorted samples is the one at
     * rank ceil(p / 100 * n), so it is always a latency that was actually observed.
     */
    record Latency(int count, Duration mean, Duration p50, Duration p95, Duration max) {

        static Optional<Latency> of(List<Duration> samples) {
            if (samples.isEmpty()) {
                return Optional.empty();
            }
            List<Duration> sorted = samples.stream().sorted().toList();
            Duration sum = sorted.stream().reduce(Duration.ZERO, Duration::plus);
            return Optional.of(new Latency(sorted.size(), sum.dividedBy(sorted.size()), percentile(sorted, 50),
                    percentile(sorted, 95), sorted.getLast()));
        }

        /** The nearest-rank percentile of samples sorted ascending. */
        static Duration percentile(List<Duration> sorted, double percent) {
            int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
            return sorted.get(Math.clamp(rank, 1, sorted.size()) - 1);
        }
    }

    BatchStatistics {
        partial = List.copyOf(partial);
        failed = List.copyOf(failed);
        timedOut = List.copyOf(timedOut);
    }

    /**
     * @param ids every task submitted, in submission order
     * @param results the results that arrived, by task id
     * @param latencies for each result that arrived, the time from sending its task to its arrival
     */
    static BatchStatistics of(List<String> ids, Map<String, SynthesisResult> results, Map<String, Duration> latencies) {
        int succeeded = 0;
        List<Outcome> partial = new ArrayList<>();
        List<Outcome> failed = new ArrayList<>();
        List<String> timedOut = new ArrayList<>();
        List<Duration> samples = new ArrayList<>();
        for (String id : ids) {
            SynthesisResult result = results.get(id);
            if (result == null) {
                timedOut.add(id);
                continue;
            }
            Optional.ofNullable(latencies.get(id)).ifPresent(samples::add);
            String reason = result.getReason() == null ? "no reason given" : result.getReason();
            switch (result.getStatus()) {
                case SUCCEEDED -> succeeded++;
                case PARTIAL -> partial.add(new Outcome(id, reason));
                case FAILED -> failed.add(new Outcome(id, reason));
            }
        }
        return new BatchStatistics(ids.size(), succeeded, partial, failed, timedOut, Latency.of(samples));
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("batch: ").append(total).append(" tasks, ").append(succeeded).append(" succeeded, ")
                .append(partial.size()).append(" partial, ").append(failed.size()).append(" failed, ")
                .append(timedOut.size()).append(" timed out waiting\n");
        partial.forEach(o -> out.append("  partial ").append(o.taskId()).append(": ")
                .append(LedgerRenderer.oneLine(o.reason(), 200)).append('\n'));
        failed.forEach(o -> out.append("  failed  ").append(o.taskId()).append(": ")
                .append(LedgerRenderer.oneLine(o.reason(), 200)).append('\n'));
        if (!timedOut.isEmpty()) {
            out.append("  timed out waiting: ").append(String.join(", ", timedOut)).append('\n');
        }
        latency.ifPresentOrElse(l -> out.append("latency (task sent to result visible, ").append(l.count())
                        .append(" tasks): mean ").append(Durations.format(l.mean()))
                        .append("  p50 ").append(Durations.format(l.p50()))
                        .append("  p95 ").append(Durations.format(l.p95()))
                        .append("  max ").append(Durations.format(l.max())).append('\n'),
                () -> out.append("latency: no result arrived\n"));
        return out.toString();
    }
}
