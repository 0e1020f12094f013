package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.api.ApiSettings;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the service logs at its default level (its own log4j2.xml, in a process of its own) while the API serves
 * tasks, good and bad requests: never an API key, a goal or a token of an answer.
 */
@WithLocalStack
class ApiLogsTest {

    private static final Pattern API_URL = Pattern.compile("API at http://127\\.0\\.0\\.1:(\\d+)/");

    private PipelineHarness harness;

    @BeforeEach
    void setUp(TestStack stack) throws Exception {
        harness = new PipelineHarness(stack);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void noKeyGoalOrTokenReachesTheLogs() throws Exception {
        String key = "key-" + UUID.randomUUID();
        String wrongKey = "wrong-" + UUID.randomUUID();
        String goal = "goal-" + UUID.randomUUID() + " should we rewrite the billing system?";
        Path defaults = Path.of("target", "classes", "log4j2.xml").toAbsolutePath();
        harness.startApp("api-logs", List.of("-Dlog4j2.configurationFile=" + defaults.toUri()), Map.of(
                DialecticConfig.API_PORT, String.valueOf(ApiSettings.ANY_FREE_PORT),
                DialecticConfig.API_KEYS, key + "=team-logs",
                DialecticConfig.SIMULATED_SPEED_FACTOR, "0.05"));
        Path log = Path.of("target", "child-apps", harness.prefix + "api-logs.log");
        Matcher url = API_URL.matcher(Files.readString(log));
        assertThat(url.find()).as("the service prints its API address").isTrue();
        HttpApi api = new HttpApi(Integer.parseInt(url.group(1)));

        String id = "logs-" + UUID.randomUUID();
        List<String> streamed = new ArrayList<>();
        try (HttpApi.EventStream events = api.events("/v1/tasks/" + id + "/events", key)) {
            assertThat(api.post("/v1/tasks", key, "{\"taskId\": \"" + id + "\", \"goal\": \"" + goal + "\"}")
                    .statusCode()).isEqualTo(202);
            await().atMost(Duration.ofMinutes(1)).until(() -> events.kinds().contains("result"));
            events.events().stream().filter(e -> e.kind().equals("token"))
                    .forEach(e -> streamed.add(e.data().get("text").asText()));
            streamed.add(events.events().getLast().data().get("text").asText());
        }
        assertThat(api.post("/v1/tasks", wrongKey, "{\"goal\": \"" + goal + "\"}").statusCode()).isEqualTo(401);
        assertThat(api.post("/v1/tasks", key, "{\"goal\": \"" + goal + "\", \"mode\": \"x\"}").statusCode())
                .isEqualTo(400);
        assertThat(api.post("/v1/tasks", key, "{\"goal\": \"" + goal + "\"").statusCode()).isEqualTo(400);

        String text = Files.readString(log);
        assertThat(text).contains("HTTP API on 127.0.0.1", "1 API keys"); // the default level's lines are there
        assertThat(text).doesNotContain(key, wrongKey, goal, "billing system");
        assertThat(streamed).hasSizeGreaterThan(2);
        for (String chunk : streamed) {
            if (chunk.strip().length() >= 12) {
                assertThat(text).doesNotContain(chunk.strip());
            }
        }
    }
}
