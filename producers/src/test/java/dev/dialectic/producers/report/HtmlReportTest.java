package dev.dialectic.producers.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.schema.TaskStatus;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML page's text: names from the ledger stay text, and the page names nothing to fetch. */
class HtmlReportTest {

    private static final String HOSTILE = "</script><img src=x onerror=alert(1)>{{data}}";

    @Test
    void groupNamesFromTheLedgerCannotAddMarkup() {
        Report report = Report.of(List.of(
                LedgerFixture.task("a", 1).variant(HOSTILE).finished(TaskStatus.SUCCEEDED, 1_000).build(),
                LedgerFixture.task("b", 2).variant(HOSTILE).finished(TaskStatus.SUCCEEDED, 2_000).build()),
                Grouping.VARIANT, null, null);

        String page = ReportFormat.HTML.render(report, true);

        assertThat(Pattern.compile("<script").matcher(page).results().count()).as("the page's own three").isEqualTo(3);
        assertThat(page).doesNotContain("<img").contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;{{data}}",
                "\\u003c/script>\\u003cimg src=x onerror=alert(1)>{{data}}");
        assertThat(page).doesNotContainPattern("(src|href)\\s*=\\s*\"").doesNotContain("sourceMappingURL");
    }
}
