package dev.dialectic.producers.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The report as plain text, for a terminal: per group a table of latencies (seconds) and its rates, then per
 * comparison one line per latency in the form of the seeds' release reports,
 *
 * <pre>
 * total        30.10 s ± 10.25 (438 tasks) → 26.86 s ± 3.96 (14 tasks), −10.7%, sd −61%; difference −3.24 s,
 *              95% CI [−5.60, −0.88], Welch t −2.74, df 27.3, p 0.0113
 * </pre>
 *
 * (one line), and the rates of both groups with their difference in percentage points.
 */
final class TextReport {

    private final Numbers numbers;

    TextReport(boolean unicode) {
        this.numbers = new Numbers(unicode);
    }

    String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append(header(report)).append('\n');
        int label = labelWidth(report);
        for (GroupFigures group : report.groups()) {
            out.append('\n').append(group(group, label));
        }
        for (Comparison comparison : report.comparisons()) {
            out.append('\n').append(comparison(comparison, label));
        }
        return out.toString();
    }

    static String header(Report report) {
        return "report by " + report.grouping().wireName() + ": " + report.tasks() + " finished task"
                + (report.tasks() == 1 ? "" : "s")
                + report.since().map(since -> " submitted since " + since).orElse("")
                + (report.unfinished() == 0 ? "" : "; " + report.unfinished() + " unfinished left out");
    }

    private String group(GroupFigures group, int label) {
        StringBuilder out = new StringBuilder();
        out.append(group.name()).append(": ").append(group.tasks()).append(" tasks, ").append(group.succeeded())
                .append(" succeeded (").append(numbers.percent(group.success().value())).append("), ")
                .append(group.partial()).append(" partial, ").append(group.failed()).append(" failed\n");
        String row = "  %-" + label + "s %6s %8s ± %-7s %8s %8s %8s%n";
        out.append(String.format(Locale.ROOT, row, "latency (s)", "n", "mean", "sd", "p50", "p95", "p99"));
        for (Map.Entry<String, Latencies> figure : rows(group).entrySet()) {
            Latencies latencies = figure.getValue();
            out.append(String.format(Locale.ROOT, row, figure.getKey(), latencies.count(),
                    numbers.seconds(latencies.mean()), numbers.seconds(latencies.standardDeviation()),
                    numbers.seconds(latencies.p50()), numbers.seconds(latencies.p95()),
                    numbers.seconds(latencies.p99())));
        }
        out.append("  fallback ").append(numbers.rate(group.fallback()))
                .append("   gate pass ").append(numbers.rate(group.gatePass()))
                .append("   second pass ").append(numbers.rate(group.secondPass()))
                .append("   cache hits ").append(numbers.rate(group.cacheHit())).append(" stages\n");
        return out.toString();
    }

    private String comparison(Comparison comparison, int label) {
        StringBuilder out = new StringBuilder();
        GroupFigures reference = comparison.reference();
        GroupFigures candidate = comparison.candidate();
        out.append(reference.name()).append(' ').append(numbers.arrow()).append(' ').append(candidate.name())
                .append('\n');
        List<Map.Entry<String, Optional<Difference>>> lines = new ArrayList<>();
        lines.add(Map.entry("total", comparison.total()));
        for (String stage : reference.stages().keySet()) {
            lines.add(Map.entry(stage, Optional.ofNullable(comparison.stages().get(stage))));
        }
        lines.add(Map.entry("first token", comparison.timeToFirstToken()));
        for (Map.Entry<String, Optional<Difference>> line : lines) {
            out.append(String.format(Locale.ROOT, "  %-" + label + "s ", line.getKey()))
                    .append(line.getValue().map(this::difference).orElse("not enough data to compare (needs 2 tasks"
                            + " a side, and some spread)")).append('\n');
        }
        out.append("  success ").append(rateChange(comparison, GroupFigures::success))
                .append("   fallback ").append(rateChange(comparison, GroupFigures::fallback))
                .append("   gate pass ").append(rateChange(comparison, GroupFigures::gatePass))
                .append("   second pass ").append(rateChange(comparison, GroupFigures::secondPass))
                .append("   cache hits ").append(rateChange(comparison, GroupFigures::cacheHit)).append('\n');
        return out.toString();
    }

    /** {@code 30.10 s ± 10.25 (438 tasks) → 26.86 s ± 3.96 (14 tasks), −10.7%, sd −61%; difference ...}. */
    String difference(Difference difference) {
        return sample(difference.reference()) + " " + numbers.arrow() + " " + sample(difference.candidate()) + ", "
                + numbers.change(difference.relativeChange()) + ", sd " + numbers.wholeChange(difference.spreadChange())
                + "; difference " + numbers.secondsChange(difference.difference()) + ", 95% CI ["
                + numbers.seconds(difference.lower()) + ", " + numbers.seconds(difference.upper()) + "], Welch t "
                + numbers.decimal(difference.t(), 2) + ", df " + numbers.decimal(difference.degreesOfFreedom(), 1)
                + ", p " + numbers.p(difference.p());
    }

    private String sample(Latencies latencies) {
        return numbers.seconds(latencies.mean()) + " s ± " + numbers.seconds(latencies.standardDeviation()) + " ("
                + latencies.count() + " tasks)";
    }

    private String rateChange(Comparison comparison, Function<GroupFigures, Rate> rate) {
        double from = rate.apply(comparison.reference()).value();
        double to = rate.apply(comparison.candidate()).value();
        return numbers.percent(from) + " " + numbers.arrow() + " " + numbers.percent(to) + " ("
                + numbers.points(to - from) + ")";
    }

    /** The rows of a group's latency table: total, each stage, time to first token. */
    static Map<String, Latencies> rows(GroupFigures group) {
        Map<String, Latencies> rows = new LinkedHashMap<>();
        rows.put("total", group.total());
        rows.putAll(group.stages());
        rows.put("first token", group.timeToFirstToken());
        return rows;
    }

    private static int labelWidth(Report report) {
        return Math.max("latency (s)".length(), report.stages().stream().mapToInt(String::length).max().orElse(0));
    }
}
