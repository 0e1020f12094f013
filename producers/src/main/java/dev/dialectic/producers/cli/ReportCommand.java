package dev.dialectic.producers.cli;

import dev.dialectic.producers.report.Grouping;
import dev.dialectic.producers.report.Report;
import dev.dialectic.producers.report.ReportFormat;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.text.Durations;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code dialectic cli report}: figures of the finished tasks on the ledger, by group, and their comparison. */
@Command(name = "report",
        description = {"Reads every task's ledger and reports, per group of finished tasks (by variant or mode):"
                + " count, success rate, total and per-stage latency (mean ± sd, p50, p95, p99), time to first"
                + " token, fallback, gate pass, second-pass and cache hit rates; then each group against the"
                + " reference group: the difference of each latency with its 95% confidence interval and Welch's"
                + " t-test, and the change of each rate."})
final class ReportCommand implements Callable<Integer> {

    @ParentCommand
    private DialecticCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = "--since", paramLabel = "WHEN", converter = SinceConverter.class,
            description = "Only tasks submitted since then: a time back from now (30m, 1h, 7d) or an instant"
                    + " (2026-12-01T05:00:00Z). Default: every task on the ledger.")
    private Instant since;

    @Option(names = "--by", paramLabel = "variant|mode", defaultValue = "variant", converter = GroupingConverter.class,
            description = "What to group tasks by (default: ${DEFAULT-VALUE}).")
    private Grouping grouping;

    @Option(names = "--baseline", paramLabel = "GROUP",
            description = "The group the others are compared with (default: the one with the most tasks).")
    private String baseline;

    @Option(names = "--format", paramLabel = "table|json|markdown|html", defaultValue = "table",
            converter = FormatConverter.class,
            description = "How to write the report (default: ${DEFAULT-VALUE}); html is one self-contained page with"
                    + " charts: redirect it to a file.")
    private ReportFormat format;

    @Override
    public Integer call() {
        return cli.withClient(spec, client -> {
            List<TaskLedger> ledgers = client.ledgers(l -> since == null || !l.getSubmittedAt().isBefore(since));
            Report report;
            try {
                report = Report.of(ledgers, grouping, since, baseline);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--baseline: " + e.getMessage());
            }
            if (report.groups().isEmpty()) {
                throw new NotThereException("no finished task on " + client.topics().ledger().name()
                        + (since == null ? "" : " submitted since " + since)
                        + (report.unfinished() == 0 ? "" : " (" + report.unfinished() + " still running)"));
            }
            spec.commandLine().getOut().print(format.render(report, DialecticCli.unicode()));
            spec.commandLine().getOut().flush();
            return DialecticCli.OK;
        });
    }

    /** A time back from now in the notation of {@link Durations}, or an ISO-8601 instant. */
    static final class SinceConverter implements ITypeConverter<Instant> {
        private final Clock clock;

        SinceConverter() {
            this(Clock.systemUTC());
        }

        SinceConverter(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return clock.instant().minus(Durations.parse(value));
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException("'" + value + "' is neither a time back from now (e.g. 30m, 1h,"
                            + " 7d) nor an instant (e.g. 2026-12-01T05:00:00Z)");
                }
            }
        }
    }

    static final class GroupingConverter implements ITypeConverter<Grouping> {
        @Override
        public Grouping convert(String value) {
            return Grouping.parse(value).orElseThrow(() ->
                    new TypeConversionException("'" + value + "' is not a grouping (expected variant or mode)"));
        }
    }

    static final class FormatConverter implements ITypeConverter<ReportFormat> {
        @Override
        public ReportFormat convert(String value) {
            return ReportFormat.parse(value).orElseThrow(() -> new TypeConversionException("'" + value
                    + "' is not a report format (expected table, json, markdown or html)"));
        }
    }
}
