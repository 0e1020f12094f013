package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A whole benchmark run, every scenario at a small size, against a real broker and registry: the command ends
 * with exit code 0, prints each headline figure as {@code name: value unit}, writes the same figures to its JSON
 * report, and the figures agree with what they measure (no task faster than its own critical path, a drain no
 * shorter than two stages). The sizes say nothing about speed; the README's figures come from full runs.
 */
@WithLocalStack
class BenchmarkRunTest {

    private static final Pattern FIGURE_LINE = Pattern.compile("([a-z][a-z0-9_.]*): (n/a|-?\\d+(?:\\.\\d+)?) (\\S+)");
    private static final long SCALE_LATENCY_MS = 300;

    @Test
    void everyScenarioReportsItsHeadlineFiguresOnStdoutAndInTheReports(TestStack stack, @TempDir Path out)
            throws Exception {
        StringWriter stdout = new StringWriter();
        CommandLine commandLine = Benchmark.commandLine(new Benchmark());
        commandLine.setOut(new PrintWriter(stdout));

        int exitCode = commandLine.execute(
                "--bootstrap-servers=" + stack.bootstrapServers(), "--registry-url=" + stack.registryUrl(),
                "--out=" + out, "--label=test",
                "--speed=0.02", "--rate=20", "--warmup=0s", "--duration=3s",
                // Every antithesis call of the fallback group fails: each of its tasks falls back, then fails again.
                "--modes-tasks=4", "--modes-rate=10", "--fallback-error-rate=1",
                "--outstanding=50", "--throughput-warmup=0s", "--throughput-duration=5s",
                "--scale-tasks=100", "--scale-latency=" + SCALE_LATENCY_MS + "ms",
                // Four share consumers per persona instead of 64: this JVM also runs the broker.
                "--set=worker.consumers=4");

        assertThat(exitCode).as("exit code; stdout:%n%s", stdout).isZero();
        Map<String, Double> figures = new LinkedHashMap<>();
        Map<String, String> printed = new LinkedHashMap<>();
        for (String line : stdout.toString().strip().lines().toList()) {
            Matcher matcher = FIGURE_LINE.matcher(line);
            assertThat(matcher.matches()).as("'%s' is `name: value unit`", line).isTrue();
            printed.put(matcher.group(1), line);
            figures.put(matcher.group(1), matcher.group(2).equals("n/a") ? Double.NaN
                    : Double.parseDouble(matcher.group(2)));
        }
        List<String> headline = List.of("overhead.p50", "overhead.p95", "overhead.p99", "overhead.ratio.p50",
                "modes.parallel.mean", "modes.sequential.mean", "modes.speedup", "modes.speedup.ideal",
                "modes.adaptive.mean", "modes.adaptive.parallel_share", "modes.adaptive.vs_fixed",
                "throughput.sustained", "throughput.cpu.app", "throughput.peak_heap",
                "scale.drain", "scale.ideal", "scale.peak_heap", "baseline.overhead.p50",
                "cache.fastpath.p50", "cache.repeated.ratio", "cache.miss.cost.p50", "cache.lookup.miss",
                "cache.hit_rate");
        assertThat(figures).containsKeys(headline.toArray(String[]::new));
        headline.forEach(name -> assertThat(figures.get(name)).as(name).isNotNaN());

        assertThat(figures.get("overhead.failed")).isZero();
        assertThat(figures.get("modes.failed")).isZero();
        assertThat(figures.get("throughput.failed")).isZero();
        assertThat(figures.get("scale.failed")).isZero();
        assertThat(figures.get("cache.failed")).isZero();

        // Consistency: each figure measures what it says.
        assertThat(figures.get("overhead.p50")).as("no task is faster than its own critical path").isPositive();
        assertThat(figures.get("overhead.p50")).isLessThanOrEqualTo(figures.get("overhead.p95"));
        assertThat(figures.get("overhead.p95")).isLessThanOrEqualTo(figures.get("overhead.p99"));
        assertThat(figures.get("overhead.ratio.p50")).isGreaterThan(1);
        assertThat(figures.get("modes.speedup.ideal")).as("sequential sums what parallel overlaps").isGreaterThan(1);
        assertThat(figures.get("modes.adaptive.parallel_share")).as("the goals without a stated complexity")
                .isEqualTo(50);
        assertThat(figures).containsKeys("modes.fallback.mean", "modes.no_fallback.mean", "modes.fallback.cost",
                "modes.fallback.cost.ideal", "modes.fallback.rerun_wait");
        assertThat(figures.get("modes.fallback.fell_back")).as("every task of the fallback group").isEqualTo(4);
        assertThat(figures.get("modes.fallback.failed_again")).isEqualTo(4);
        assertThat(figures.get("throughput.sustained")).isPositive();
        assertThat(figures.get("cache.fastpath.p50")).as("a fast-path hit skips every model call")
                .isLessThan(figures.get("cache.repeated.mean.off"));
        assertThat(figures.get("cache.hit_rate")).isPositive();
        assertThat(figures.get("scale.drain") * 1000).as("thesis and synthesis follow each other")
                .isGreaterThanOrEqualTo(2 * SCALE_LATENCY_MS);
        assertThat(figures.get("scale.ideal")).isEqualTo(2 * SCALE_LATENCY_MS / 1000.0);
        assertThat(figures.get("baseline.overhead.p50")).as("Kafka's hops cost more than in-process futures")
                .isLessThan(figures.get("overhead.p50"));

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("latest.json")));
        assertThat(json.at("/run/label").asText()).isEqualTo("test");
        assertThat(json.at("/figures").size()).isEqualTo(figures.size());
        printed.forEach((name, line) -> {
            JsonNode figure = json.at("/figures/" + name);
            assertThat(new Figure(name, figure.at("/value").asDouble(), figure.at("/unit").asText()).line())
                    .as("the JSON's %s, rounded as stdout rounds", name).isEqualTo(line);
        });
        String markdown = Files.readString(out.resolve("latest.md"));
        for (String scenario : List.of("overhead", "modes", "throughput", "scale", "baseline")) {
            assertThat(markdown).contains("\n## " + scenario + "\n");
        }
        assertThat(markdown).doesNotContain("**Failed:**");
    }
}
