package dev.dialectic.producers.report;

import static dev.dialectic.producers.report.LedgerFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text, JSON and Markdown formats of {@link LedgerFixture#sample()}, whose figures {@link ReportTest} checks. */
class ReportFormatTest {

    private final Report report = Report.of(LedgerFixture.sample(), Grouping.VARIANT, T0, null);

    @Test
    void theComparisonLineFollowsTheSeedsReports() {
        // R's t.test(1:10, y = c(7:20, 200)): sd of y √2335.067 = 48.32, of x 3.03; −20.43 / 25.93 = −78.8%;
        // 3.03 / 48.32 − 1 = −94%; CI [−47.242900, 6.376233], t −1.6329, df 14.165, p 0.1245.
        Difference difference = Difference.between(
                Latencies.of(7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 200),
                Latencies.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)).orElseThrow();

        assertThat(new TextReport(true).difference(difference)).isEqualTo("25.93 s ± 48.32 (15 tasks) → 5.50 s"
                + " ± 3.03 (10 tasks), −78.8%, sd −94%; difference −20.43 s, 95% CI [−47.24, 6.38], Welch t −1.63,"
                + " df 14.2, p 0.125");
        assertThat(new TextReport(false).difference(difference)).isEqualTo("25.93 s ± 48.32 (15 tasks) -> 5.50"
                + " s ± 3.03 (10 tasks), -78.8%, sd -94%; difference -20.43 s, 95% CI [-47.24, 6.38], Welch t"
                + " -1.63, df 14.2, p 0.125");
    }

    @Test
    void aChangeFromNothingIsNotAvailable() {
        Difference fromZero = Difference.between(Latencies.of(0, 0), Latencies.of(1, 2)).orElseThrow();

        assertThat(new TextReport(true).difference(fromZero)).startsWith("0.00 s ± 0.00 (2 tasks) → 1.50 s ± 0.71"
                + " (2 tasks), n/a, sd n/a; difference +1.50 s, 95% CI [");
    }

    @Test
    void theTableShowsEachGroupThenTheComparison() {
        List<String> lines = ReportFormat.TABLE.render(report, true).lines().map(ReportFormatTest::squeeze).toList();

        assertThat(lines.getFirst()).isEqualTo(
                "report by variant: 5 finished tasks submitted since 2026-12-01T04:00:00Z; 1 unfinished left out");
        assertThat(lines).containsSubsequence(
                "baseline: 3 tasks, 2 succeeded (66.7%), 1 partial, 0 failed",
                "latency (s) n mean ± sd p50 p95 p99",
                "total 3 12.00 ± 2.00 12.00 13.80 13.96",
                "thesis 3 5.00 ± 1.00 5.00 5.90 5.98",
                "antithesis 2 6.50 ± 0.71 6.50 6.95 6.99",
                "first token 3 0.50 ± 0.20 0.50 0.68 0.70",
                "fallback 33.3% (1/3) gate pass 100.0% (2/2) second pass 50.0% (1/2) cache hits 12.5% (1/8) stages",
                "canary: 2 tasks, 2 succeeded (100.0%), 0 partial, 0 failed",
                "baseline → canary",
                "total 12.00 s ± 2.00 (3 tasks) → 8.50 s ± 0.71 (2 tasks), −29.2%, sd −65%; difference −3.50 s,"
                        + " 95% CI [−7.84, 0.84], Welch t −2.78, df 2.6, p 0.0798",
                "success 66.7% → 100.0% (+33.3 pp) fallback 33.3% → 0.0% (−33.3 pp) gate pass 100.0% → 50.0%"
                        + " (−50.0 pp) second pass 50.0% → 50.0% (0.0 pp) cache hits 12.5% → 0.0% (−12.5 pp)");
    }

    @Test
    void jsonCarriesEveryFigureAndNullForWhatIsUndefined() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportFormat.JSON.render(report, true));

        assertThat(json.get("groupedBy").asText()).isEqualTo("variant");
        assertThat(json.get("since").asText()).isEqualTo("2026-12-01T04:00:00Z");
        assertThat(json.get("unfinished").asInt()).isEqualTo(1);
        JsonNode baseline = json.get("groups").get(0);
        assertThat(baseline.get("name").asText()).isEqualTo("baseline");
        assertThat(baseline.at("/latency/total/mean").asDouble()).isCloseTo(12, within(1e-9));
        assertThat(baseline.at("/latency/total/p95").asDouble()).isCloseTo(13.8, within(1e-9));
        assertThat(baseline.at("/latency/stages/antithesis/count").asInt()).isEqualTo(2);
        assertThat(baseline.at("/rates/cacheHit/rate").asDouble()).isEqualTo(0.125);
        assertThat(baseline.at("/rates/cacheHit/of").asInt()).isEqualTo(8);
        JsonNode total = json.get("comparisons").get(0).get("total");
        assertThat(total.get("difference").asDouble()).isCloseTo(-3.5, within(1e-9));
        assertThat(total.get("ci95").get(0).asDouble()).isCloseTo(-7.837302, within(0.0000005));
        assertThat(total.get("p").asDouble()).isCloseTo(0.0798207, within(0.0000005));
        assertThat(json.at("/comparisons/0/rateChanges/gatePass").asDouble()).isCloseTo(-0.5, within(1e-9));

        Report unjudged = Report.of(List.of(LedgerFixture.sample().get(2)), Grouping.VARIANT, null, null);
        JsonNode partial = new ObjectMapper().readTree(ReportFormat.JSON.render(unjudged, true)).at("/groups/0");
        assertThat(partial.at("/rates/gatePass/rate").isNull()).as("no task was judged").isTrue();
        assertThat(partial.at("/latency/total/sd").asDouble()).isZero();
        assertThat(partial.at("/latency/stages").has("synthesis")).isFalse();
    }

    @Test
    void markdownHasATablePerGroupAndPerComparison() {
        String markdown = ReportFormat.MARKDOWN.render(report, true);

        assertThat(markdown).startsWith("# Dialectic report by variant\n")
                .contains("## baseline\n", "| total | 3 | 12.00 | 2.00 | 12.00 | 13.80 | 13.96 |",
                        "| cache hits (stages) | 12.5% | 1/8 |", "## baseline → canary\n",
                        "| total | 12.00 ± 2.00 (3) | 8.50 ± 0.71 (2) | −29.2% | −65% | −3.50 | [−7.84, 0.84] |"
                                + " −2.78 | 2.6 | 0.0798 |",
                        "| gate pass | 100.0% | 50.0% | −50.0 pp |");
    }

    private static String squeeze(String line) {
        return line.strip().replaceAll(" {2,}", " ");
    }
}
