package dev.dialectic.producers.report;

import static dev.dialectic.producers.report.LedgerFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The HTML report of {@link LedgerFixture#sample()} opened from a file in a real headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}, installed by {@code ./dialectic setup}): both charts are drawn,
 * one series per group, and the page fetches nothing. The page and a screenshot are kept as {@value #PAGE} and
 * {@value #SCREENSHOT}.
 */
class HtmlReportBrowserTest {

    static final String PAGE = "target/report/report.html";
    static final String SCREENSHOT = "target/report/report.png";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** The page's first two series colours, #4e79a7 and #f28e2b. */
    private static final List<List<Integer>> COLOURS = List.of(List.of(78, 121, 167), List.of(242, 142, 43));

    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        assertThat(Path.of(CHROMIUM)).as("Chromium is missing: run ./dialectic setup").exists();
        assertThat(Path.of(CHROMEDRIVER)).as("chromium-driver is missing: run ./dialectic setup").exists();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-dev-shm-usage", "--window-size=1100,1400", "--force-device-scale-factor=1");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .build(), options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theChartsAreDrawnOfflineWithOneSeriesPerGroup() throws Exception {
        Report report = Report.of(LedgerFixture.sample(), Grouping.VARIANT, T0, null);
        Path page = Path.of(PAGE).toAbsolutePath();
        Files.createDirectories(page.getParent());
        Files.writeString(page, ReportFormat.HTML.render(report, true), StandardCharsets.UTF_8);

        browser.get(page.toUri().toString());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                browser.findElement(By.tagName("body")).getDomAttribute("data-charts") != null
                        || browser.findElement(By.tagName("body")).getDomAttribute("data-chart-error") != null);
        assertThat(browser.findElement(By.tagName("body")).getDomAttribute("data-chart-error")).isNull();
        assertThat(browser.getTitle()).isEqualTo("Dialectic report by variant");

        // Total latency: baseline 10, 12, 14 s and canary 8, 9 s on 5 bins from 8 to 14 s (1.2 s each):
        // baseline fills bins 2, 4 and 5, canary bin 1 only.
        assertThat(series("latency-distribution")).isEqualTo(List.of("baseline", "canary"));
        assertThat(script("return Chart.getChart('latency-distribution').data.labels.length")).isEqualTo(5L);
        assertThat(barsDrawn("latency-distribution", 0)).isEqualTo(3L);
        assertThat(barsDrawn("latency-distribution", 1)).isEqualTo(1L);
        // Stage timings: thesis, antithesis, synthesis and the total, for each group.
        assertThat(series("stage-timings")).isEqualTo(List.of("baseline", "canary"));
        assertThat(script("return Chart.getChart('stage-timings').data.labels"))
                .isEqualTo(List.of("thesis", "antithesis", "synthesis", "total"));
        assertThat(barsDrawn("stage-timings", 0)).isEqualTo(4L);
        assertThat(barsDrawn("stage-timings", 1)).isEqualTo(4L);
        // The bars are on the canvases, in each series' colour.
        for (String chart : List.of("latency-distribution", "stage-timings")) {
            for (List<Integer> colour : COLOURS) {
                assertThat(pixels(chart, colour)).as("%s pixels of %s", colour, chart).isGreaterThan(200L);
            }
        }

        assertThat(browser.findElement(By.id("figures")).getText()).contains("baseline → canary",
                "12.00 s ± 2.00 (3 tasks) → 8.50 s ± 0.71 (2 tasks)");
        // Self-contained: nothing was loaded, and nothing names a resource to load.
        assertThat(script("return performance.getEntriesByType('resource').length")).isEqualTo(0L);
        assertThat(script("return document.querySelectorAll('[src], [href], link, iframe, img').length"))
                .isEqualTo(0L);

        Path screenshot = Path.of(SCREENSHOT);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static Object script(String script, Object... arguments) {
        return browser.executeScript(script, arguments);
    }

    private static List<?> series(String chart) {
        return (List<?>) script("return Chart.getChart(arguments[0]).data.datasets.map(d => d.label)", chart);
    }

    /** Bars of one series that Chart.js laid out with a height. */
    private static Object barsDrawn(String chart, int series) {
        return script("return Chart.getChart(arguments[0]).getDatasetMeta(arguments[1]).data"
                + ".filter(bar => Math.abs(bar.base - bar.y) >= 1).length", chart, series);
    }

    /** Pixels of the canvas in exactly this colour. */
    private static long pixels(String chart, List<Integer> colour) {
        return (Long) script("""
                const canvas = document.getElementById(arguments[0]);
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let count = 0;
                for (let i = 0; i < data.length; i += 4) {
                    if (data[i] === arguments[1] && data[i + 1] === arguments[2] && data[i + 2] === arguments[3]
                            && data[i + 3] === 255) {
                        count++;
                    }
                }
                return count;
                """, chart, colour.get(0), colour.get(1), colour.get(2));
    }
}
