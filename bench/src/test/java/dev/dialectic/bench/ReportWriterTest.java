package dev.dialectic.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @Test
    void writesJsonAndMarkdownStampedAndAsLatest(@TempDir Path dir) throws Exception {
        ScenarioReport overhead = new ScenarioReport("overhead", "100 tasks/s open loop",
                Map.of("orchestrator.commit.interval.ms", "30"),
                List.of(new Figure("overhead.p50", 131.2, "ms"), new Figure("overhead.p99", Double.NaN, "ms")),
                List.of(new Table("Where the overhead goes", List.of("hop", "p50"), List.of(List.of("accept", 4.5)))),
                List.of("2 task(s) did not succeed"), null);
        ScenarioReport scale = ScenarioReport.failed("scale", "java.util.concurrent.TimeoutException: no results");

        List<Path> written = ReportWriter.write(dir, "20261124-010203", run(), List.of(overhead, scale));

        assertThat(written).containsExactly(dir.resolve("20261124-010203.json"), dir.resolve("20261124-010203.md"));
        assertThat(dir.resolve("latest.json")).hasSameTextualContentAs(written.get(0));
        assertThat(dir.resolve("latest.md")).hasSameTextualContentAs(written.get(1));

        JsonNode json = new ObjectMapper().readTree(Files.readString(written.get(0)));
        assertThat(json.at("/run/id").asText()).isEqualTo("20261124-010203");
        assertThat(json.at("/figures/overhead.p50/value").asDouble()).isEqualTo(131.2);
        assertThat(json.at("/figures/overhead.p50/unit").asText()).isEqualTo("ms");
        assertThat(json.at("/figures/overhead.p99/value").asText()).isEqualTo("NaN");
        assertThat(json.at("/scenarios/1/error").asText()).contains("TimeoutException");

        String markdown = Files.readString(written.get(1));
        assertThat(markdown)
                .contains("# Dialectic benchmark 20261124-010203 — a label")
                .contains("| overhead.p50 | 131 | ms |")
                .contains("| overhead.p99 | n/a | ms |")
                .contains("**Where the overhead goes**")
                .contains("| accept | 4.5 |")
                .contains("- Note: 2 task(s) did not succeed")
                .contains("`orchestrator.commit.interval.ms=30`")
                .contains("## scale\n\n**Failed:** java.util.concurrent.TimeoutException: no results");
    }

    private static Map<String, Object> run() {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", "20261124-010203");
        run.put("label", "a label");
        run.put("startedAt", "2026-11-24T01:02:03Z");
        run.put("finishedAt", "2026-11-24T01:08:03Z");
        run.put("arguments", List.of("--quick"));
        run.put("cluster", "given cluster");
        run.put("machine", "2 cores");
        return run;
    }
}
