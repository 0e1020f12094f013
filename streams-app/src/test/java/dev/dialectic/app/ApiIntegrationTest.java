package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.dialectic.api.ApiSettings;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.SynthesisResult;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API of a real service (orchestrator, workers, simulated models) on the real broker and registry: one
 * service for the whole class, its API on a free port, with keys of two tenants.
 */
@WithLocalStack
class ApiIntegrationTest {

    private static final String WRITER = "writer-" + UUID.randomUUID();
    private static final String READER = "reader-" + UUID.randomUUID();
    private static final String OTHER = "other-" + UUID.randomUUID();
    private static final String ADMIN = "admin-" + UUID.randomUUID();
    private static final Duration RESULT_WAIT = Duration.ofMinutes(1);

    private static PipelineHarness harness;
    private static DialecticService service;
    private static HttpApi api;

    @BeforeAll
    static void start(TestStack stack) throws Exception {
        harness = new PipelineHarness(stack);
        harness.settings.put(DialecticConfig.API_PORT, String.valueOf(ApiSettings.ANY_FREE_PORT));
        harness.settings.put(DialecticConfig.API_KEYS,
                WRITER + "=team-a," + READER + "=team-a:read," + OTHER + "=team-b," + ADMIN + "=ops:admin");
        harness.settings.put(DialecticConfig.API_MAX_BODY_BYTES, "20000");
        harness.settings.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.05");
        service = harness.startService();
        api = new HttpApi(service.api().port());
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/health/ready", null).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        harness.close();
    }

    @Test
    void aSubmittedTaskIsServedFromTheOrchestratorsStoreWithItsResultAndLedger() {
        HttpResponse<String> submitted = api.post("/v1/tasks", WRITER,
                "{\"taskId\": \"get-1\", \"goal\": \"Should we adopt event sourcing?\", \"mode\": \"sequential\","
                        + " \"attributes\": {\"tenant\": \"team-b\", \"team\": \"ops\"}}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        assertThat(HttpApi.json(submitted).get("taskIds")).extracting(JsonNode::asText).containsExactly("get-1");
        assertThat(submitted.headers().firstValue("Location")).hasValue("/v1/tasks/get-1");

        JsonNode task = awaitFinished("get-1", WRITER);
        assertThat(task.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(task.at("/result/text").asText()).startsWith("Synthesis:");
        assertThat(task.at("/ledger/mode").asText()).isEqualTo("sequential");
        assertThat(task.at("/ledger/stages")).extracting(s -> s.get("stage").asText())
                .containsExactly("thesis", "antithesis", "synthesis");
        assertThat(task.at("/ledger/stages/0/firstTokenAt").isNumber()).isTrue();
        // The key's tenant, not the one the body claimed.
        assertThat(task.at("/ledger/attributes/tenant").asText()).isEqualTo("team-a");
        assertThat(task.at("/ledger/attributes/team").asText()).isEqualTo("ops");

        assertThat(api.get("/v1/tasks/get-1", READER).statusCode()).isEqualTo(200);
        HttpResponse<String> otherTenant = api.get("/v1/tasks/get-1", OTHER);
        assertThat(otherTenant.statusCode()).isEqualTo(404);
        assertThat(HttpApi.json(otherTenant).get("status").asInt()).isEqualTo(404);
        assertThat(api.get("/v1/tasks?limit=100", WRITER).body()).contains("\"get-1\"");
        assertThat(api.get("/v1/tasks?limit=100", OTHER).body()).doesNotContain("\"get-1\"");
    }

    @Test
    void theEventStreamShowsEveryTransitionAndTheTokensOfBothPersonasBeforeTheResult() {
        String id = "sse-" + UUID.randomUUID();
        try (HttpApi.EventStream stream = api.events("/v1/tasks/" + id + "/events", READER)) {
            assertThat(api.post("/v1/tasks", WRITER, "{\"taskId\": \"" + id + "\", \"goal\": \"Stream it\"}")
                    .statusCode()).isEqualTo(202);
            await().atMost(RESULT_WAIT).until(() -> stream.kinds().contains("result"));
            assertThat(stream.status()).isEqualTo(200);
            List<HttpApi.Event> events = stream.events();
            int result = stream.kinds().indexOf("result");
            assertThat(result).isEqualTo(events.size() - 1);
            List<HttpApi.Event> tokens = events.stream().filter(e -> e.kind().equals("token")).toList();
            assertThat(tokens).extracting(e -> e.data().get("stage").asText())
                    .contains("thesis", "antithesis", "synthesis");
            assertThat(tokens).allSatisfy(e -> assertThat(e.data().get("taskId").asText()).isEqualTo(id));
            // The synthesis streamed text must add up to the result's text.
            StringBuilder synthesis = new StringBuilder();
            tokens.stream().filter(e -> e.data().get("stage").asText().equals("synthesis"))
                    .forEach(e -> synthesis.append(e.data().get("text").asText()));
            assertThat(synthesis.toString()).isEqualTo(events.get(result).data().get("text").asText());
            List<String> statuses = events.stream().filter(e -> e.kind().equals("ledger"))
                    .map(e -> e.data().get("status").asText()).toList();
            assertThat(statuses.getFirst()).isIn("ACCEPTED", "RUNNING");
            assertThat(statuses.getLast()).isEqualTo("SUCCEEDED");
            assertThat(events.stream().filter(e -> e.kind().equals("ledger"))
                    .map(e -> e.data().get("transitions").asInt()).toList()).isSorted().doesNotHaveDuplicates();

            // A client that connects after the end gets the same story from the history.
            try (HttpApi.EventStream late = api.events("/v1/tasks/" + id + "/events", WRITER)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> late.kinds().contains("result"));
                assertThat(late.kinds()).isEqualTo(stream.kinds());
            }
        }
    }

    @Test
    void aBatchIsAcceptedWholeAndResubmittingAnIdLeavesItsSingleResult() {
        String prefix = "batch-" + UUID.randomUUID() + "-";
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 3; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"taskId\": \"").append(prefix).append(i)
                    .append("\", \"goal\": \"batch goal ").append(i).append("\"}");
        }
        HttpResponse<String> accepted = api.post("/v1/tasks", WRITER, batch.append(']').toString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(HttpApi.json(accepted).get("taskIds")).extracting(JsonNode::asText)
                .containsExactly(prefix + 0, prefix + 1, prefix + 2);
        for (int i = 0; i < 3; i++) {
            assertThat(awaitFinished(prefix + i, WRITER).get("status").asText()).isEqualTo("SUCCEEDED");
        }

        double resubmitted = value(api.get("/metrics", null).body(), "dialectic_tasks_resubmitted_total");
        HttpResponse<String> again = api.post("/v1/tasks", WRITER,
                "{\"taskId\": \"" + prefix + "0\", \"goal\": \"a different goal\"}");
        assertThat(again.statusCode()).isEqualTo(202);
        // The repeat reached the orchestrator (it follows the first on the same partition) and was ignored.
        String marker = "marker-" + UUID.randomUUID();
        api.post("/v1/tasks", WRITER, "{\"taskId\": \"" + marker + "\", \"goal\": \"after the repeat\"}");
        awaitFinished(marker, WRITER);
        List<SynthesisResult> results = harness.results().stream()
                .filter(r -> r.getTaskId().equals(prefix + "0")).toList();
        assertThat(results).hasSize(1);
        assertThat(results.getFirst().getGoal()).isEqualTo("batch goal 0");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(value(api.get("/metrics", null).body(),
                "dialectic_tasks_resubmitted_total")).isGreaterThan(resubmitted));
    }

    @Test
    void badRequestsAreRefusedWithAProblemNamingTheField() {
        assertProblem(api.post("/v1/tasks", WRITER, "{\"goal\": \"x\", \"mode\": \"diagonal\"}"), 400, "mode");
        assertProblem(api.post("/v1/tasks", WRITER, "{\"goal\": \"   \"}"), 400, "goal");
        assertProblem(api.post("/v1/tasks", WRITER, "{\"mdoe\": \"parallel\", \"goal\": \"x\"}"), 400, "mdoe");
        assertProblem(api.post("/v1/tasks", WRITER, "[{\"goal\": \"ok\"}, {\"goal\": \"x\", \"timeoutMs\": -5}]"),
                400, "tasks[1].timeoutMs");
        assertProblem(api.post("/v1/tasks", WRITER, "{\"goal\": "), 400, null);
        assertProblem(api.post("/v1/tasks", null, "{\"goal\": \"x\"}"), 401, null);
        assertProblem(api.post("/v1/tasks", "not-a-key", "{\"goal\": \"x\"}"), 401, null);
        assertProblem(api.get("/v1/tasks/whatever", null), 401, null);
        assertProblem(api.post("/v1/tasks", READER, "{\"goal\": \"x\"}"), 403, null);
        assertProblem(api.post("/v1/tasks", WRITER, "{\"goal\": \"" + "x".repeat(30_000) + "\"}"), 413, null);
        assertProblem(api.get("/v1/tasks/no-such-task", WRITER), 404, null);
        assertProblem(api.get("/v1/tasks?limit=0", WRITER), 400, "limit");
        assertProblem(api.get("/v1/results?follow=maybe", WRITER), 400, "follow");
        assertProblem(api.get("/v1/results?follow=true", WRITER), 400, "follow"); // without Accept: text/event-stream
        assertProblem(api.get("/v1/tasks/some-task/events", WRITER), 400, null);
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutesServed() throws Exception {
        JsonNode document;
        try (InputStream in = DialecticService.class.getResourceAsStream("/dev/dialectic/api/openapi.yaml")) {
            document = new YAMLMapper().readTree(in);
        }
        TreeSet<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (List.of("get", "post", "put", "patch", "delete").contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        assertThat(documented).containsExactlyElementsOf(new TreeSet<>(service.api().routes()));
        // And the server hands out the same document.
        assertThat(new YAMLMapper().readTree(api.get("/openapi.yaml", null).body())).isEqualTo(document);
    }

    @Test
    void metricsMoveAsTasksRunAndHealthReportsEachCheck() throws Exception {
        String before = api.get("/metrics", null).body();
        String id = "metrics-" + UUID.randomUUID();
        api.post("/v1/tasks", WRITER, "{\"taskId\": \"" + id + "\", \"goal\": \"count me\"}");
        // A task only the orchestrator can refuse (sent straight to Kafka, with a key that is not its id).
        harness.sendRaw("not-the-id", harness.topics.tasks().valueSerde().serializer().serialize(
                harness.topics.tasks().name(), PipelineHarness.task("dlq-" + UUID.randomUUID(), "x", null))).get();
        awaitFinished(id, WRITER);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String after = api.get("/metrics", null).body();
            for (String series : List.of(
                    "dialectic_tasks_accepted_total{mode=\"parallel\",variant=\"baseline\"}",
                    "dialectic_tasks_finished_total{mode=\"parallel\",status=\"SUCCEEDED\",variant=\"baseline\"}",
                    "dialectic_task_latency_seconds_count{mode=\"parallel\",status=\"SUCCEEDED\",variant=\"baseline\"}",
                    "dialectic_stage_latency_seconds_count{persona=\"synthesis\",stage=\"synthesis\","
                            + "status=\"SUCCEEDED\"}",
                    "dialectic_model_calls_total{model=\"simulated-thesis\",persona=\"thesis\"}",
                    "dialectic_model_tokens_total{direction=\"output\",model=\"simulated-antithesis\","
                            + "persona=\"antithesis\"}",
                    "dialectic_model_ttft_seconds_count{model=\"simulated-synthesis\",persona=\"synthesis\"}",
                    "dialectic_dlq_records_total{component=\"orchestrator\"}")) {
                assertThat(value(after, series)).as(series).isGreaterThan(value(before, series));
            }
        });
        String metrics = api.get("/metrics", null).body();
        assertThat(metrics).contains("dialectic_calls_in_flight{persona=\"thesis\"}",
                "dialectic_circuit_state{persona=\"thesis\",state=\"closed\"} 1.0",
                "dialectic_task_latency_seconds_bucket{", "dialectic_kafka_stream_", "dialectic_jvm_memory_used_bytes");

        HttpResponse<String> ready = api.get("/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(HttpApi.json(ready).get("checks").fieldNames()).toIterable()
                .containsExactly("orchestrator", "taskStore", "workers", "registry", "liveFeed");
        assertThat(api.get("/health/live", null).statusCode()).isEqualTo(200);
    }

    @Test
    void followingResultsStreamsEachNewResultOfTheCallersTenant() {
        String mine = "follow-" + UUID.randomUUID();
        String theirs = "follow-other-" + UUID.randomUUID();
        try (HttpApi.EventStream stream = api.events("/v1/results?follow=true", READER)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.status() == 200);
            api.post("/v1/tasks", OTHER, "{\"taskId\": \"" + theirs + "\", \"goal\": \"not for team a\"}");
            api.post("/v1/tasks", WRITER, "{\"taskId\": \"" + mine + "\", \"goal\": \"for team a\"}");
            await().atMost(RESULT_WAIT).until(() -> stream.events().stream()
                    .anyMatch(e -> e.data().get("taskId").asText().equals(mine)));
            awaitFinished(theirs, OTHER);
            assertThat(stream.events()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("result"))
                    .noneMatch(e -> e.data().get("taskId").asText().equals(theirs));
        }
    }

    private static JsonNode awaitFinished(String taskId, String key) {
        List<JsonNode> seen = new ArrayList<>(1);
        await().atMost(RESULT_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> response = api.get("/v1/tasks/" + taskId, key);
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode task = HttpApi.json(response);
            seen.clear();
            seen.add(task);
            return !task.get("status").asText().equals("RUNNING") && !task.get("status").asText().equals("ACCEPTED")
                    && !task.get("result").isNull();
        });
        return seen.getFirst();
    }

    @Test
    void theCanaryIsReadWithAnyKeyAndChangedOnlyWithAnAdminKeyAndWithinTheRules() {
        JsonNode before = HttpApi.json(api.get("/v1/canary", READER));
        assertThat(before.get("live").asBoolean()).isFalse();
        assertThat(before.get("partitionCount").asInt()).isEqualTo(3);
        assertThat(before.get("description").asText()).isEqualTo("no canary: every task runs on baseline");

        assertProblem(api.put("/v1/canary/settings/canary.percent", WRITER, "{\"value\": \"25\"}"), 403, null);
        assertProblem(api.put("/v1/canary/settings/canary.percent", null, "{\"value\": \"25\"}"), 401, null);
        assertProblem(api.put("/v1/canary/settings/canary.percent", ADMIN, "{\"value\": \"150\"}"), 400,
                "canary.percent");
        assertProblem(api.put("/v1/canary/settings/canary.variant", ADMIN, "{\"value\": \"no-such-release\"}"), 400,
                "canary.variant");
        assertProblem(api.put("/v1/canary/settings/canary.colour", ADMIN, "{\"value\": \"red\"}"), 400,
                "canary.colour");
        assertProblem(api.put("/v1/canary/settings/canary.percent", ADMIN, "[25]"), 400, "value");

        HttpResponse<String> set = api.put("/v1/canary/settings/canary.percent", ADMIN,
                "{\"value\": \"25\", \"reason\": \"the API test\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(202);
        assertThat(HttpApi.json(set).get("updatedBy").asText()).isEqualTo("api:ops");
        // Applied from the control topic, as every instance applies it.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> HttpApi.json(api.get("/v1/canary", READER)).get("percent").asDouble() == 25);
        JsonNode after = HttpApi.json(api.get("/v1/canary", READER));
        assertThat(after.get("settings")).singleElement().satisfies(setting -> {
            assertThat(setting.get("name").asText()).isEqualTo("canary.percent");
            assertThat(setting.get("reason").asText()).isEqualTo("the API test");
            assertThat(setting.get("updatedBy").asText()).isEqualTo("api:ops");
        });
        assertThat(after.get("live").asBoolean()).as("a percent without a variant routes nothing").isFalse();
        assertThat(api.get("/metrics", null).body()).contains("dialectic_canary_live 0.0")
                .contains("dialectic_canary_share 0.0");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = HttpApi.json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        if (field == null) {
            assertThat(problem.has("field")).as(response.body()).isFalse();
        } else {
            assertThat(problem.get("field").asText()).isEqualTo(field);
        }
    }

    /** The value of one series in a Prometheus scrape; 0 when absent. */
    static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
