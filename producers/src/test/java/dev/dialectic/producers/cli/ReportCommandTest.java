package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** {@code cli report}'s options, which need no cluster: every mistake is one line and exit code 2. */
class ReportCommandTest {

    /** Nothing listens here: any test that reached Kafka would fail with exit code 1 instead. */
    private static final String NOWHERE = "--bootstrap-servers=127.0.0.1:1";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void sinceIsATimeBackFromNowOrAnInstant() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T06:00:00Z"), ZoneOffset.UTC);
        ReportCommand.SinceConverter since = new ReportCommand.SinceConverter(clock);

        assertThat(since.convert("1h")).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
        assertThat(since.convert("1h30m")).isEqualTo(Instant.parse("2026-12-01T04:30:00Z"));
        assertThat(since.convert("7d")).isEqualTo(Instant.parse("2026-11-24T06:00:00Z"));
        assertThat(since.convert("2026-11-30T12:00:00Z")).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
        assertThatThrownBy(() -> since.convert("yesterday")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'yesterday' is neither a time back from now (e.g. 30m, 1h, 7d) nor an instant (e.g."
                        + " 2026-12-01T05:00:00Z)");
    }

    @Test
    void badOptionsAreOneLineEach() {
        assertThat(run(NOWHERE, "report", "--since", "yesterday")).isEqualTo(2);
        assertThat(run(NOWHERE, "report", "--by", "colour")).isEqualTo(2);
        assertThat(run(NOWHERE, "report", "--format", "pdf")).isEqualTo(2);

        assertThat(err.toString().lines()).containsExactly(
                "dialectic: Invalid value for option '--since': 'yesterday' is neither a time back from now (e.g. 30m,"
                        + " 1h, 7d) nor an instant (e.g. 2026-12-01T05:00:00Z)",
                "dialectic: Invalid value for option '--by': 'colour' is not a grouping (expected variant or mode)",
                "dialectic: Invalid value for option '--format': 'pdf' is not a report format (expected table, json,"
                        + " markdown or html)");
        assertThat(out.toString()).isEmpty();
    }

    private int run(String... args) {
        CommandLine cli = DialecticCli.commandLine(new DialecticCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
