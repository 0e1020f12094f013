package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad options end a run before anything starts, with one line saying why and exit code 2. */
class BenchmarkOptionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--scenarios=overhead,bogus | unknown scenario 'bogus' (known: overhead, modes, throughput, scale, baseline, cache)",
            "--set=worker.consumers | --set needs [scenario:]key=value, got 'worker.consumers'",
            "--set=scael:worker.consumers=3 | no scenario 'scael'",
            "--set=worker.consumers=many | --set: Invalid value many for configuration worker.consumers",
            "--set=throughput:worker.consumers=0 | --set: Invalid value 0 for configuration worker.consumers",
            "--bootstrap-servers=localhost:9092 | give both --bootstrap-servers and --registry-url, or neither",
            "--warmup=soon | 'soon' is not a duration (e.g. 500ms, 30s, 2m, 1h30m)",
            "--rate=0 | need speed >= 0, 0 <= jitter < 1, positive rates and counts",
    })
    void aBadOptionIsOneLineAndExitCodeTwo(String option, String reason) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Benchmark.commandLine(new Benchmark());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));

        int exitCode = commandLine.execute(option, "--out=target/never-written");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).startsWith("dialectic bench: ").contains(reason);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void reportsShowTheCommandLineWithoutCredentials() {
        assertThat(Benchmark.reportable(List.of("--set", "kafka.sasl.jaas.config=org.x.Plain password=\"hunter2\";",
                "--set=throughput:schema.registry.bearer.auth.token=abc", "--set=worker.consumers=16",
                "--registry-url=https://bench:hunter2@registry.example/apis", "--quick")))
                .containsExactly("--set", "kafka.sasl.jaas.config=***", "--set=throughput:schema.registry.bearer.auth.token=***",
                        "--set=worker.consumers=16", "--registry-url=https://***@registry.example/apis", "--quick");
    }
}
