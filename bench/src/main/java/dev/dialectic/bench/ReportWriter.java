package dev.dialectic.bench;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's report as JSON (for machines: every figure, table cell and setting) and as Markdown (for
 * people: the headline figures, then each scenario's tables and notes), as {@code <stamp>.json/.md} and again
 * as {@code latest.json/.md}.
 */
final class ReportWriter {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // An unmeasurable figure is NaN; standard JSON has no NaN, so it is written as the string "NaN".
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    private ReportWriter() {}

    /**
     * Writes the reports into {@code dir} (created if missing).
     *
     * @param run facts about the run: id, label, times, arguments, cluster, machine, options
     * @return the timestamped JSON and Markdown files
     */
    static List<Path> write(Path dir, String stamp, Map<String, Object> run, List<ScenarioReport> scenarios)
            throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(stamp + ".json");
        Path markdown = dir.resolve(stamp + ".md");
        Files.writeString(json, json(run, scenarios));
        Files.writeString(markdown, markdown(run, scenarios));
        Files.copy(json, dir.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(markdown, dir.resolve("latest.md"), StandardCopyOption.REPLACE_EXISTING);
        return List.of(json, markdown);
    }

    static String json(Map<String, Object> run, List<ScenarioReport> scenarios) throws IOException {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (ScenarioReport scenario : scenarios) {
            for (Figure figure : scenario.figures()) {
                figures.put(figure.name(), Map.of("value", figure.value(), "unit", figure.unit()));
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run", run);
        root.put("figures", figures);
        root.put("scenarios", scenarios);
        return JSON.writeValueAsString(root) + "\n";
    }

    static String markdown(Map<String, Object> run, List<ScenarioReport> scenarios) {
        StringBuilder md = new StringBuilder();
        md.append("# Dialectic benchmark ").append(run.get("id"));
        if (run.get("label") != null) {
            md.append(" — ").append(run.get("label"));
        }
        md.append("\n\n");
        md.append("- Cluster: ").append(run.get("cluster")).append('\n');
        md.append("- Machine: ").append(run.get("machine")).append('\n');
        md.append("- Arguments: `").append(String.join(" ", asStrings(run.get("arguments")))).append("`\n");
        md.append("- Started ").append(run.get("startedAt")).append(", finished ").append(run.get("finishedAt"))
                .append("\n\n## Headline figures\n\n");
        List<List<Object>> rows = new ArrayList<>();
        scenarios.forEach(s -> s.figures().forEach(
                f -> rows.add(List.of(f.name(), Figure.format(f.value(), f.unit()), f.unit()))));
        table(md, new Table("", List.of("figure", "value", "unit"), rows));
        for (ScenarioReport scenario : scenarios) {
            md.append("\n## ").append(scenario.name()).append("\n\n");
            if (scenario.error() != null) {
                md.append("**Failed:** ").append(scenario.error()).append("\n");
                continue;
            }
            md.append(scenario.summary()).append(".\n");
            for (Table table : scenario.tables()) {
                md.append("\n**").append(table.title()).append("**\n\n");
                table(md, table);
            }
            if (!scenario.notes().isEmpty()) {
                md.append('\n');
                scenario.notes().forEach(note -> md.append("- Note: ").append(note).append('\n'));
            }
            md.append("\nSettings: ");
            List<String> settings = new ArrayList<>();
            scenario.settings().forEach((key, value) -> settings.add("`" + key + "=" + value + "`"));
            md.append(String.join(", ", settings)).append('\n');
        }
        return md.toString();
    }

    private static void table(StringBuilder md, Table table) {
        md.append("| ").append(String.join(" | ", table.columns())).append(" |\n|");
        table.columns().forEach(c -> md.append("---|"));
        md.append('\n');
        for (List<Object> row : table.rows()) {
            md.append("| ");
            List<String> cells = new ArrayList<>();
            for (Object cell : row) {
                cells.add(cell instanceof Double d ? Figure.format(d, "") : String.valueOf(cell));
            }
            md.append(String.join(" | ", cells)).append(" |\n");
        }
    }

    private static List<String> asStrings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        return strings;
    }
}
