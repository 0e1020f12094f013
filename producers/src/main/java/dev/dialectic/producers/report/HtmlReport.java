package dev.dialectic.producers.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The report as one self-contained HTML page that works offline: the text report, and two charts drawn by
 * Chart.js, whose code (from its WebJar on the class path) is inlined into the page; nothing is fetched.
 *
 * <ul>
 *   <li>{@code #latency-distribution}: a histogram of total latency, one series per group, each bar the share
 *       of that group's tasks (so groups of different sizes compare), on the bins of {@link Histogram};
 *   <li>{@code #stage-timings}: mean latency of each stage, and of the whole task, one series per group.
 * </ul>
 *
 * <p>The page sets {@code data-charts="drawn"} on its body once both charts are drawn, or {@code
 * data-chart-error} to the error if drawing failed.
 */
final class HtmlReport {

    private static final String TEMPLATE = "/dev/dialectic/producers/report/report.html";
    private static final String WEBJAR = "META-INF/resources/webjars/chart.js/";
    private static final String WEBJAR_VERSION = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(title|text|data|chartjs)}}");

    private final String template;
    private final String chartJs;

    HtmlReport() {
        this.template = resource(TEMPLATE);
        this.chartJs = chartJs();
    }

    String render(Report report) {
        Map<String, String> values = Map.of(
                "title", escape("Dialectic report by " + report.grouping().wireName()),
                "text", escape(new TextReport(true).render(report)),
                "data", scriptSafe(chartData(report).toString()),
                "chartjs", chartJs);
        // One pass, so a placeholder inside inserted text (a group name from the ledger) stays text.
        return PLACEHOLDER.matcher(template).replaceAll(match -> Matcher.quoteReplacement(values.get(match.group(1))));
    }

    /** What the charts draw: labels and one series per group, computed here so the page only draws. */
    static ObjectNode chartData(Report report) {
        ObjectNode data = JSON.createObjectNode();
        ArrayNode groups = data.putArray("groups");
        report.groups().forEach(group -> groups.add(group.name()));

        Histogram histogram = Histogram.of(report.groups().stream().map(GroupFigures::total).toList());
        Numbers numbers = new Numbers(true);
        ObjectNode distribution = data.putObject("distribution");
        ArrayNode bins = distribution.putArray("labels");
        for (int i = 0; i < histogram.bins(); i++) {
            bins.add(numbers.seconds(histogram.edges()[i]) + "–" + numbers.seconds(histogram.edges()[i + 1]) + " s");
        }
        ArrayNode shares = distribution.putArray("shares");
        for (int g = 0; g < report.groups().size(); g++) {
            ArrayNode series = shares.addArray();
            int tasks = report.groups().get(g).total().count();
            for (int count : histogram.counts().get(g)) {
                series.add(tasks == 0 ? 0 : 100.0 * count / tasks);
            }
        }

        ObjectNode stages = data.putObject("stages");
        List<String> names = report.stages();
        ArrayNode labels = stages.putArray("labels");
        names.forEach(labels::add);
        labels.add("total");
        ArrayNode means = stages.putArray("means");
        for (GroupFigures group : report.groups()) {
            ArrayNode series = means.addArray();
            names.forEach(stage -> add(series, group.stage(stage).mean()));
            add(series, group.total().mean());
        }
        return data;
    }

    private static void add(ArrayNode series, double value) {
        if (Double.isFinite(value)) {
            series.add(value);
        } else {
            series.addNull(); // Chart.js leaves a gap
        }
    }

    /** Chart.js's UMD build from its WebJar, without the source-map comment (which would name a file to fetch). */
    private static String chartJs() {
        Properties webjar = new Properties();
        try (InputStream in = HtmlReport.class.getResourceAsStream(WEBJAR_VERSION)) {
            if (in == null) {
                throw new IllegalStateException("Chart.js is not on the class path (" + WEBJAR_VERSION + ")");
            }
            webjar.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String code = resource("/" + WEBJAR + webjar.getProperty("version") + "/dist/chart.umd.min.js");
        if (code.contains("</script")) {
            throw new IllegalStateException("Chart.js's code cannot be inlined: it contains </script");
        }
        return code.lines().filter(line -> !line.startsWith("//# sourceMappingURL="))
                .collect(Collectors.joining("\n"));
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** JSON inside a script element: a "<" could close it ("</script>"), so it is written as \u003c. */
    private static String scriptSafe(String json) {
        return json.replace("<", "\\u003c");
    }
}
