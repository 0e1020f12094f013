package dev.dialectic.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where the orchestrator's stream threads spend their time, from Kafka Streams' own thread metrics: the
 * shares of processing, polling, committing and punctuating, and what a commit costs. Kafka Streams keeps
 * these as windowed averages (two 30 s samples by default), so a snapshot shows the last 30–60 s.
 */
final class StreamThreadMetrics {

    private static final String GROUP = "stream-thread-metrics";
    private static final List<Row> ROWS = List.of(
            new Row("process-ratio", "share of wall time processing records"),
            new Row("poll-ratio", "share of wall time polling the consumer"),
            new Row("commit-ratio", "share of wall time committing (flush, offsets, end of transaction)"),
            new Row("punctuate-ratio", "share of wall time in punctuators (deadlines, retention)"),
            new Row("commit-rate", "commits per second"),
            new Row("commit-latency-avg", "ms per commit"),
            new Row("poll-records-avg", "records per poll"),
            new Row("process-records-avg", "records per processing round"));

    private StreamThreadMetrics() {}

    /** The metrics of {@code streams} now, one row per metric, averaged over its stream threads. */
    static Table snapshot(KafkaStreams streams, String title) {
        Map<MetricName, ? extends Metric> metrics = streams.metrics();
        List<List<Object>> rows = new ArrayList<>();
        for (Row row : ROWS) {
            double sum = 0;
            int threads = 0;
            for (var entry : metrics.entrySet()) {
                if (entry.getKey().group().equals(GROUP) && entry.getKey().name().equals(row.name())
                        && entry.getValue().metricValue() instanceof Double value && !value.isNaN()) {
                    sum += value;
                    threads++;
                }
            }
            rows.add(List.of(row.name(), threads == 0 ? Double.NaN : sum / threads, row.meaning()));
        }
        return new Table(title, List.of("metric", "value", "meaning"), rows);
    }

    private record Row(String name, String meaning) {}
}
