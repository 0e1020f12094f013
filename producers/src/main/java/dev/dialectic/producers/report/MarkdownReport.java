package dev.dialectic.producers.report;

import java.util.Map;
import java.util.function.Function;

/**
 * The report as Markdown, for pull requests and issues: per group a table of latencies (seconds) and one of
 * rates, then per comparison a table of the differences with their confidence intervals and Welch's tests.
 */
final class MarkdownReport {

    private final Numbers numbers = new Numbers(true);

    String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append("# Dialectic report by ").append(report.grouping().wireName()).append("\n\n")
                .append(TextReport.header(report)).append(".\n");
        for (GroupFigures group : report.groups()) {
            out.append("\n## ").append(escape(group.name())).append("\n\n")
                    .append(group.tasks()).append(" tasks: ").append(group.succeeded()).append(" succeeded, ")
                    .append(group.partial()).append(" partial, ").append(group.failed()).append(" failed.\n\n")
                    .append("| latency (s) | n | mean | sd | p50 | p95 | p99 |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Map.Entry<String, Latencies> row : TextReport.rows(group).entrySet()) {
                Latencies latencies = row.getValue();
                out.append("| ").append(escape(row.getKey())).append(" | ").append(latencies.count())
                        .append(" | ").append(numbers.seconds(latencies.mean()))
                        .append(" | ").append(numbers.seconds(latencies.standardDeviation()))
                        .append(" | ").append(numbers.seconds(latencies.p50()))
                        .append(" | ").append(numbers.seconds(latencies.p95()))
                        .append(" | ").append(numbers.seconds(latencies.p99())).append(" |\n");
            }
            out.append("\n| rate | share | count |\n|---|---:|---:|\n");
            rate(out, "success", group.success());
            rate(out, "fallback", group.fallback());
            rate(out, "gate pass", group.gatePass());
            rate(out, "second pass", group.secondPass());
            rate(out, "cache hits (stages)", group.cacheHit());
        }
        for (Comparison comparison : report.comparisons()) {
            out.append("\n## ").append(escape(comparison.reference().name())).append(" → ")
                    .append(escape(comparison.candidate().name())).append("\n\n")
                    .append("| latency | ").append(escape(comparison.reference().name())).append(" | ")
                    .append(escape(comparison.candidate().name()))
                    .append(" | change | sd change | difference (s) | 95% CI | Welch t | df | p |\n")
                    .append("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
            comparison.total().ifPresent(d -> difference(out, "total", d));
            comparison.stages().forEach((stage, d) -> difference(out, stage, d));
            comparison.timeToFirstToken().ifPresent(d -> difference(out, "first token", d));
            out.append("\n| rate | ").append(escape(comparison.reference().name())).append(" | ")
                    .append(escape(comparison.candidate().name())).append(" | difference |\n|---|---:|---:|---:|\n");
            rateChange(out, "success", comparison, GroupFigures::success);
            rateChange(out, "fallback", comparison, GroupFigures::fallback);
            rateChange(out, "gate pass", comparison, GroupFigures::gatePass);
            rateChange(out, "second pass", comparison, GroupFigures::secondPass);
            rateChange(out, "cache hits", comparison, GroupFigures::cacheHit);
        }
        return out.toString();
    }

    private void rate(StringBuilder out, String name, Rate rate) {
        out.append("| ").append(name).append(" | ").append(numbers.percent(rate.value())).append(" | ")
                .append(rate.count()).append('/').append(rate.of()).append(" |\n");
    }

    private void difference(StringBuilder out, String name, Difference d) {
        out.append("| ").append(escape(name))
                .append(" | ").append(numbers.seconds(d.reference().mean())).append(" ± ")
                .append(numbers.seconds(d.reference().standardDeviation())).append(" (").append(d.reference().count())
                .append(") | ").append(numbers.seconds(d.candidate().mean())).append(" ± ")
                .append(numbers.seconds(d.candidate().standardDeviation())).append(" (").append(d.candidate().count())
                .append(") | ").append(numbers.change(d.relativeChange()))
                .append(" | ").append(numbers.wholeChange(d.spreadChange()))
                .append(" | ").append(numbers.seconds(d.difference()))
                .append(" | [").append(numbers.seconds(d.lower())).append(", ").append(numbers.seconds(d.upper()))
                .append("] | ").append(numbers.decimal(d.t(), 2))
                .append(" | ").append(numbers.decimal(d.degreesOfFreedom(), 1))
                .append(" | ").append(numbers.p(d.p())).append(" |\n");
    }

    private void rateChange(StringBuilder out, String name, Comparison comparison, Function<GroupFigures, Rate> rate) {
        double from = rate.apply(comparison.reference()).value();
        double to = rate.apply(comparison.candidate()).value();
        out.append("| ").append(name).append(" | ").append(numbers.percent(from)).append(" | ")
                .append(numbers.percent(to)).append(" | ").append(numbers.points(to - from)).append(" |\n");
    }

    /** Group and stage names come from the ledger: keep them from breaking a table or making markup. */
    private static String escape(String text) {
        return text.replaceAll("([\\\\`*_{}\\[\\]<>|#])", "\\\\$1").replaceAll("\\s+", " ");
    }
}
