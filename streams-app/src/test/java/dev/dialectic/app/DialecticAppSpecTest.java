package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dialectic app} and its spec options, run as the command line runs them: in a JVM of their own. */
class DialecticAppSpecTest {

    @TempDir
    Path dir;

    @Test
    void aBrokenSpecStopsTheStartWithOneLineNamingTheFileThePlaceAndTheProblem() throws Exception {
        Path spec = Files.writeString(dir.resolve("broken.yaml"), """
                personas: {p: {}}
                stages:
                  - {name: a, persona: p}
                  - {name: b, persona: p, inputs: [a, c]}
                """);
        // No broker runs at this address: the spec is checked before anything connects.
        Run run = app("--spec", spec.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("dialectic app: " + spec + ":4:39: stages[1].inputs[1]: unknown input 'c'"
                + " (stages: a, b)" + System.lineSeparator());
    }

    @Test
    void printSpecShowsTheSpecInForceWithOverridesAndRejectsAnUnknownPersonaSetting() throws Exception {
        Run printed = app("--print-spec", "--set", "persona.synthesis.max.tokens=2048",
                "--set", "persona.thesis.api.key=sk-secret");
        assertThat(printed.exit()).isZero();
        assertThat(printed.out()).contains("- name: synthesis", "inputs:", "max.tokens: 2048", "[redacted]",
                "threshold: 5.0").doesNotContain("sk-secret");

        Run refused = app("--print-spec", "--set", "persona.thesis.max.tokenz=5");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("dialectic app: persona.thesis.max.tokenz: unknown persona setting"
                + " 'max.tokenz' (see --list-settings)" + System.lineSeparator());
    }

    @Test
    void listSettingsDocumentsPersonaSettingsLikeEveryOtherKey() throws Exception {
        Run listed = app("--list-settings");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains("pipeline.spec (default: )", "persona.<name>.max.tokens (default: 1024)",
                "persona.<name>.prompt (default: null)", "persona.<name>.api.key (default: none)");
    }

    private record Run(int exit, String out, String err) {}

    private Run app(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PipelineHarness.javaBinary().toString(), "-cp",
                System.getProperty("java.class.path"), DialecticApp.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the app exits by itself").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                withoutSlf4jNotices(Files.readString(err, StandardCharsets.UTF_8)));
    }

    /**
     * Under {@code mvn verify} the test class path holds the packaged local-stack jar, whose manifest class path
     * brings a second copy of the SLF4J binding, and SLF4J says so on stderr. {@code ./dialectic app} runs with
     * one copy; the app's own lines are what is checked.
     */
    private static String withoutSlf4jNotices(String err) {
        return err.lines().filter(line -> !line.startsWith("SLF4J: "))
                .map(line -> line + System.lineSeparator()).collect(Collectors.joining());
    }
}
