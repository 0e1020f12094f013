package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialectic.api.ApiSettings;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.orchestrator.OrchestratorTopology;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Two instances of one deployment, each with its own API: a task is served by either, the one that does not own
 * the task's partition forwarding the query to the one that does (Kafka Streams' {@code application.server}).
 */
@WithLocalStack
class ApiForwardingTest {

    @Test
    void eitherInstanceAnswersForEveryTaskForwardingToTheOwner(TestStack stack) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(stack)) {
            harness.settings.put(DialecticConfig.API_PORT, String.valueOf(ApiSettings.ANY_FREE_PORT));
            harness.settings.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0");
            try (DialecticService first = harness.startService()) {
                harness.settings.put(DialecticConfig.ORCHESTRATOR_STATE_DIR, Files.createTempDirectory(
                        Files.createDirectories(Path.of("target", "streams-state")), "state").toString());
                harness.settings.put(DialecticConfig.ROLES, DialecticConfig.ROLE_ORCHESTRATOR);
                try (DialecticService second = harness.startService()) {
                    List<DialecticService> services = List.of(first, second);
                    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() ->
                            services.stream().allMatch(s -> s.orchestrator().state() == KafkaStreams.State.RUNNING
                                    && s.orchestrator().metadataForAllStreamsClients().size() == 2
                                    && s.orchestrator().metadataForLocalThreads().stream()
                                    .anyMatch(t -> !t.activeTasks().isEmpty())));
                    List<String> ids = IntStream.range(0, 6).mapToObj(i -> "fwd-" + i).toList();
                    harness.submit(ids.stream().map(id -> PipelineHarness.task(id, "goal " + id, null)).toList());

                    int forwarded = 0;
                    for (String id : ids) {
                        int owner = first.orchestrator().queryMetadataForKey(OrchestratorTopology.TASK_STORE, id,
                                Serdes.String().serializer()).activeHost().port();
                        for (DialecticService service : services) {
                            HttpApi api = new HttpApi(service.api().port());
                            JsonNode task = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                                    .until(() -> answer(api, id), t -> t != null
                                            && t.get("status").asText().equals("SUCCEEDED"));
                            assertThat(task.at("/ledger/taskId").asText()).isEqualTo(id);
                            forwarded += owner == service.api().port() ? 0 : 1;
                        }
                    }
                    // Each task is owned by exactly one of the two, so the other one forwarded it.
                    assertThat(forwarded).isEqualTo(ids.size());
                }
            }
        }
    }

    private static JsonNode answer(HttpApi api, String id) {
        HttpResponse<String> response = api.get("/v1/tasks/" + id, null);
        return response.statusCode() == 200 ? HttpApi.json(response) : null;
    }
}
