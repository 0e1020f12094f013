package dev.dialectic.producers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's input handling, which needs no cluster: every mistake is one line and exit code 2. */
class DialecticCliTest {

    /** Nothing listens here: any test that reached Kafka would fail with exit code 1 instead. */
    private static final String NOWHERE = "--bootstrap-servers=127.0.0.1:1";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aBadDurationIsOneLine() {
        int exit = run(DialecticCli.commandLine(new DialecticCli()), "submit", "goal", "--timeout", "5");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("dialectic: Invalid value for option '--timeout': '5' is not a duration"
                + " (e.g. 500ms, 30s, 2m, 1h30m)" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownOptionIsOneLine() {
        int exit = run(DialecticCli.commandLine(new DialecticCli()), "submit", "goal", "--colour");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("dialectic: Unknown option: '--colour'").hasLineCount(1);
    }

    @Test
    void aGoalOrAFileIsNeededButNotBoth(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.jsonl"), "{\"goal\": \"g\"}\n");

        assertThat(run(cli(), NOWHERE, "submit")).isEqualTo(2);
        assertThat(run(cli(), NOWHERE, "submit", "goal", "--file", file.toString())).isEqualTo(2);
        assertThat(run(cli(), NOWHERE, "submit", "--file", file.toString(), "--mode", "parallel")).isEqualTo(2);

        assertThat(err.toString().lines()).containsExactly(
                "dialectic: give a goal, or --file FILE with one task per line",
                "dialectic: give a goal or --file, not both",
                "dialectic: --context, --mode, --id, --timeout and --attr describe a single goal; with --file, give"
                        + " them on each line");
    }

    @Test
    void aBadTaskFileStopsBeforeAnythingIsSentAndNamesTheLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.jsonl"),
                "{\"goal\": \"fine\"}\n{\"goal\": \"also fine\"}\n{\"goal\": \"g\", \"mode\": \"sideways\"}\n");

        int exit = run(cli(), NOWHERE, "submit", "--file", file.toString(), "--wait");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("dialectic: line 3: unknown mode 'sideways' (expected parallel, sequential or adaptive)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnreadableFileIsBadInput(@TempDir Path dir) {
        int exit = run(cli(), NOWHERE, "submit", "--file", dir.resolve("nope.jsonl").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("dialectic: cannot read " + dir.resolve("nope.jsonl") + ": no such file");
    }

    @Test
    void anEmptyGoalIsBadInput() {
        assertThat(run(cli(), NOWHERE, "submit", " ")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("dialectic: goal is empty");
    }

    @Test
    void anUnreachableBrokerIsOneLineAndExitCodeOneWithinTheClientTimeouts(@TempDir Path dir) throws IOException {
        Path config = Files.write(dir.resolve("client.properties"),
                List.of("default.api.timeout.ms=1500", "request.timeout.ms=1000", "max.block.ms=1500"));
        long start = System.nanoTime();

        // Global options after the subcommand too: they are inherited.
        int exit = run(cli(), "submit", "an answerable goal", NOWHERE, "--client-config", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("dialectic: Kafka at 127.0.0.1:1 did not answer in time").hasLineCount(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void withoutASubcommandItShowsTheUsage() {
        assertThat(run(cli())).isEqualTo(2);
        assertThat(err.toString()).contains("Usage: dialectic cli", "submit", "results", "ledger", "Exit codes:");
    }

    @Test
    void theHelpDoesNotShowTheRegistryUrlItWillUse() {
        assertThat(run(cli(), "--registry-url=http://alice:s3cret@registry:8081", "submit", "--help")).isZero();

        assertThat(out.toString()).contains("--file", "--wait-timeout").doesNotContain("s3cret");
    }

    private static CommandLine cli() {
        return new CommandLine(new DialecticCli());
    }

    private int run(CommandLine cli, String... args) {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(new ArrayList<>(List.of(args)).toArray(String[]::new));
    }
}
