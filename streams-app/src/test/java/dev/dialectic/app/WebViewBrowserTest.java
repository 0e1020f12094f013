package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.api.ApiSettings;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import java.io.File;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web view in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed by
 * {@code ./dialectic setup}) against a real service: a goal submitted in the page streams both personas'
 * text, then the synthesis, draws the timeline and lists the task. The last screen is kept as
 * {@value #SCREENSHOT}.
 */
@WithLocalStack
class WebViewBrowserTest {

    static final String SCREENSHOT = "target/web-view/web-view.png";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private static PipelineHarness harness;
    private static DialecticService service;
    private static ChromeDriver browser;

    @BeforeAll
    static void start(TestStack stack) throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Chromium is missing: run ./dialectic setup").exists();
        assertThat(Path.of(CHROMEDRIVER)).as("chromium-driver is missing: run ./dialectic setup").exists();
        harness = new PipelineHarness(stack);
        harness.settings.put(DialecticConfig.API_PORT, String.valueOf(ApiSettings.ANY_FREE_PORT));
        // Slow enough that tokens arrive over about two seconds, so the page shows them streaming.
        harness.settings.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.1");
        service = harness.startService();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-dev-shm-usage", "--window-size=1400,1100");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .build(), options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.close();
        }
        harness.close();
    }

    @Test
    void aGoalSubmittedInThePageStreamsBothPersonasThenTheSynthesisWithItsTimeline() throws Exception {
        browser.get("http://127.0.0.1:" + service.api().port() + "/");
        assertThat(browser.getTitle()).isEqualTo("Dialectic");
        browser.findElement(By.id("goal")).sendKeys("Should our team adopt trunk-based development?");
        browser.findElement(By.id("submit")).click();

        WebElement thesis = browser.findElement(By.id("persona-thesis"));
        WebElement antithesis = browser.findElement(By.id("persona-antithesis"));
        WebElement synthesis = browser.findElement(By.id("synthesis"));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> "SUCCEEDED".equals(synthesis.getDomAttribute("data-result")));

        // When each persona's first token reached the page (performance.now() in the browser).
        double thesisFirst = Double.parseDouble(thesis.getDomAttribute("data-first-token-at"));
        double antithesisFirst = Double.parseDouble(antithesis.getDomAttribute("data-first-token-at"));
        double synthesisFirst = Double.parseDouble(synthesis.getDomAttribute("data-first-token-at"));
        assertThat(thesisFirst).isLessThan(synthesisFirst);
        assertThat(antithesisFirst).isLessThan(synthesisFirst);
        assertThat(thesis.getText()).startsWith("Thesis");
        assertThat(antithesis.getText()).startsWith("Antithesis");
        assertThat(synthesis.getText()).startsWith("Synthesis:");

        List<WebElement> lanes = browser.findElements(By.cssSelector("#timeline .lane"));
        assertThat(lanes).extracting(lane -> lane.getDomAttribute("data-stage"))
                .containsExactly("thesis", "antithesis", "synthesis");
        assertThat(lanes).allSatisfy(lane -> {
            assertThat(lane.getDomAttribute("data-status")).isEqualTo("SUCCEEDED");
            assertThat(lane.findElements(By.className("call"))).hasSize(1);
            assertThat(lane.findElements(By.className("ttft"))).hasSize(1);
        });

        String taskId = browser.findElement(By.id("task-title")).getText().replace("Task ", "");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> browser
                .findElements(By.cssSelector("#tasks tr[data-task-id='" + taskId + "'][data-status='SUCCEEDED']"))
                .size() == 1);

        Path screenshot = Path.of(SCREENSHOT);
        Files.createDirectories(screenshot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }
}
