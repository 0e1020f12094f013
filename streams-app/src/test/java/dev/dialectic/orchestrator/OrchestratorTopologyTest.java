package dev.dialectic.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStats;
import dev.dialectic.cache.LocalCache;
import dev.dialectic.schema.PersonaInput;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.StageStatus;
import dev.dialectic.schema.StageTiming;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskState;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.serde.InMemorySchemaRegistry;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The state machine's logic, driven by {@link TopologyTestDriver}: no broker, real serdes and stores. */
class OrchestratorTopologyTest {

    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final OrchestratorSettings SETTINGS = new OrchestratorSettings(Mode.PARALLEL,
            Duration.ofSeconds(60), 100, 1000, Duration.ofHours(1), Duration.ofMillis(100), true,
            Duration.ofSeconds(20), 3);

    private final Topics topics = Topics.builder().registry(new InMemorySchemaRegistry()).partitions(1).build();
    private TopologyTestDriver driver;
    private TestInputTopic<String, Task> tasks;
    private TestInputTopic<String, byte[]> rawTasks;
    private TestInputTopic<String, PersonaResult> results;
    private TestOutputTopic<String, PersonaRequest> thesis;
    private TestOutputTopic<String, PersonaRequest> antithesis;
    private TestOutputTopic<String, PersonaRequest> synthesis;
    private TestOutputTopic<String, SynthesisResult> finals;
    private TestOutputTopic<String, TaskLedger> ledger;
    private TestOutputTopic<byte[], byte[]> dlq;

    private void start(Topology topology) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props, START);
        tasks = driver.createInputTopic(topics.tasks().name(), Serdes.String().serializer(),
                topics.tasks().valueSerde().serializer(), START, Duration.ZERO);
        rawTasks = driver.createInputTopic(topics.tasks().name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), START, Duration.ZERO);
        results = driver.createInputTopic(topics.personaResults().name(), Serdes.String().serializer(),
                topics.personaResults().valueSerde().serializer(), START, Duration.ZERO);
        thesis = requests(Pipeline.THESIS);
        antithesis = requests(Pipeline.ANTITHESIS);
        synthesis = requests(Pipeline.SYNTHESIS);
        finals = driver.createOutputTopic(topics.results().name(), Serdes.String().deserializer(),
                topics.results().valueSerde().deserializer());
        ledger = driver.createOutputTopic(topics.ledger().name(), Serdes.String().deserializer(),
                topics.ledger().valueSerde().deserializer());
        dlq = driver.createOutputTopic(topics.dlq().name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    private TestOutputTopic<String, PersonaRequest> requests(String persona) {
        return driver.createOutputTopic(topics.persona(persona).name(), Serdes.String().deserializer(),
                topics.persona(persona).valueSerde().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void answersKeptInTheCacheServeARepeatedTaskWithoutAnyRequest() {
        CachePolicy policy = CachePolicy.of(SpecLoader.defaultSpec(), "simulated", true);
        LocalCache cache = new LocalCache(policy, new CacheStats());
        start(OrchestratorTopology.build(topics, SETTINGS, SpecLoader.defaultSpec(), policy, cache));
        tasks.pipeInput("t1", task("t1", "Should we adopt Kafka?", null));
        results.pipeInput("t1", result("t1", Pipeline.THESIS, 1, "pro"));
        results.pipeInput("t1", result("t1", Pipeline.ANTITHESIS, 1, "contra"));
        results.pipeInput("t1", result("t1", Pipeline.SYNTHESIS, 1, "balanced"));
        assertThat(finals.readValue().getCachedStages()).isEmpty();
        assertThat(cache.index().size()).as("the processor wrote every answer").isEqualTo(3);
        thesis.readValuesToList();
        antithesis.readValuesToList();
        synthesis.readValuesToList();

        tasks.pipeInput("t2", task("t2", "Should we adopt Kafka?", null));
        assertThat(thesis.isEmpty() && antithesis.isEmpty() && synthesis.isEmpty()).as("no request").isTrue();
        SynthesisResult repeat = finals.readValue();
        assertThat(repeat.getText()).isEqualTo("balanced");
        assertThat(repeat.getCachedStages()).containsExactly("thesis", "antithesis", "synthesis");
        assertThat(ledger.readValuesToList().getLast().getStatus()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    @Test
    void parallelTaskFansOutJoinsAndEndsWithOneSuccess() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("t1", task("t1", "Should we adopt Kafka?", null));

        assertThat(thesis.readValuesToList()).singleElement()
                .satisfies(r -> assertThat(r.getInputs()).isEmpty());
        assertThat(antithesis.readValuesToList()).singleElement()
                .satisfies(r -> assertThat(r.getInputs()).isEmpty());
        assertThat(synthesis.isEmpty()).isTrue();

        results.pipeInput("t1", result("t1", Pipeline.THESIS, 1, "pro"));
        assertThat(synthesis.isEmpty()).as("the join waits for every input").isTrue();
        results.pipeInput("t1", result("t1", Pipeline.ANTITHESIS, 1, "contra"));

        PersonaRequest join = synthesis.readValue();
        assertThat(join.getInputs()).extracting(PersonaInput::getStage, PersonaInput::getText)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("thesis", "pro"),
                        org.assertj.core.groups.Tuple.tuple("antithesis", "contra"));

        results.pipeInput("t1", result("t1", Pipeline.SYNTHESIS, 1, "balanced"));
        SynthesisResult done = finals.readValue();
        assertThat(done.getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
        assertThat(done.getText()).isEqualTo("balanced");
        assertThat(done.getOutputs()).containsEntry("thesis", "pro").containsEntry("antithesis", "contra");
        assertThat(finals.isEmpty()).isTrue();

        TaskLedger last = lastLedger();
        assertThat(last.getStatus()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(last.getMode()).isEqualTo("parallel");
        assertThat(last.getFinishedAt()).isNotNull();
        assertThat(last.getStages()).extracting(StageTiming::getStatus).containsOnly(StageStatus.SUCCEEDED);
        assertThat(last.getStages()).allSatisfy(s -> {
            assertThat(s.getRequestedAt()).isNotNull();
            assertThat(s.getFinishedAt()).isNotNull();
            assertThat(s.getAttempts()).isEqualTo(1);
        });
    }

    @Test
    void sequentialTaskGivesTheThesisToTheAntithesis() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("t2", task("t2", "Rewrite in Rust?", "sequential"));

        assertThat(thesis.readValuesToList()).hasSize(1);
        assertThat(antithesis.isEmpty()).as("antithesis waits for the thesis").isTrue();

        results.pipeInput("t2", result("t2", Pipeline.THESIS, 1, "yes, for safety"));
        PersonaRequest second = antithesis.readValue();
        assertThat(second.getInputs()).extracting(PersonaInput::getText).containsExactly("yes, for safety");
        assertThat(lastLedger().getMode()).isEqualTo("sequential");
    }

    @Test
    void repeatedAndStaleResultsAreIgnored() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("t3", task("t3", "goal", null));
        results.pipeInput("t3", result("t3", Pipeline.THESIS, 1, "pro"));
        results.pipeInput("t3", result("t3", Pipeline.THESIS, 1, "pro again"));
        results.pipeInput("t3", result("t3", Pipeline.ANTITHESIS, 7, "from a superseded attempt"));
        assertThat(synthesis.isEmpty()).isTrue();
        results.pipeInput("t3", result("t3", Pipeline.ANTITHESIS, 1, "contra"));
        assertThat(synthesis.readValue().getInputs()).extracting(PersonaInput::getText).containsExactly("pro", "contra");

        results.pipeInput("t3", result("t3", Pipeline.SYNTHESIS, 1, "done"));
        results.pipeInput("t3", result("t3", Pipeline.SYNTHESIS, 1, "done twice"));
        assertThat(finals.readValuesToList()).extracting(SynthesisResult::getText).containsExactly("done");
    }

    @Test
    void resubmittingAKnownTaskIdIsIgnored() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("t4", task("t4", "first", null));
        tasks.pipeInput("t4", task("t4", "second", null));
        assertThat(thesis.readValuesToList()).extracting(PersonaRequest::getGoal).containsExactly("first");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void badTasksGoToTheDlqWithReasonsAndTheRestGoesOn() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        rawTasks.pipeInput("junk", "not avro".getBytes(StandardCharsets.UTF_8));
        tasks.pipeInput("e", task("e", "  ", null));
        tasks.pipeInput("long", task("long", "x".repeat(101), null));
        tasks.pipeInput("m", task("m", "goal", "turbo"));
        tasks.pipeInput("other-key", task("k", "goal", null));
        tasks.pipeInput("ok", task("ok", "fine", null));

        List<TestRecord<byte[], byte[]>> rejected = dlq.readRecordsToList();
        assertThat(rejected).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON).orElseThrow())
                .satisfiesExactly(
                        reason -> assertThat(reason).contains("not a decodable Task"),
                        reason -> assertThat(reason).isEqualTo("goal is empty"),
                        reason -> assertThat(reason).contains("101 characters").contains("limit of 100"),
                        reason -> assertThat(reason).contains("unknown mode 'turbo'"),
                        reason -> assertThat(reason).contains("differs from taskId"));
        assertThat(rejected.getFirst().value()).as("original bytes kept").isEqualTo(
                "not avro".getBytes(StandardCharsets.UTF_8));
        assertThat(DeadLetters.header(rejected.getFirst().headers(), DeadLetters.SOURCE_TOPIC))
                .contains(topics.tasks().name());
        assertThat(thesis.readValuesToList()).extracting(PersonaRequest::getTaskId).containsExactly("ok");
    }

    @Test
    void aTaskPastItsDeadlineEndsWithAPartialResultNamingWhatItWaitedFor() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        Task task = task("t5", "goal", null);
        task.setTimeoutMs(5_000L);
        tasks.pipeInput("t5", task);
        results.pipeInput("t5", result("t5", Pipeline.THESIS, 1, "pro"));

        driver.advanceWallClockTime(Duration.ofSeconds(4));
        assertThat(finals.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(2));

        SynthesisResult expired = finals.readValue();
        assertThat(expired.getStatus()).isEqualTo(ResultStatus.PARTIAL);
        assertThat(expired.getReason()).contains("deadline").contains("antithesis");
        assertThat(expired.getOutputs()).containsOnlyKeys("thesis");
        TaskLedger last = lastLedger();
        assertThat(last.getStatus()).isEqualTo(TaskStatus.PARTIAL);
        assertThat(last.getStages()).extracting(StageTiming::getStatus)
                .containsExactly(StageStatus.SUCCEEDED, StageStatus.FAILED, StageStatus.SKIPPED);

        results.pipeInput("t5", result("t5", Pipeline.ANTITHESIS, 1, "too late"));
        assertThat(synthesis.isEmpty()).isTrue();
        assertThat(finals.isEmpty()).isTrue();
    }

    @Test
    void deadlinesOfTasksAcceptedAfterEarlierTimersFiredStillFire() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        for (int i = 0; i < 3; i++) {
            Task task = task("d" + i, "goal", null);
            task.setTimeoutMs(1_000L);
            tasks.pipeInput("d" + i, task);
            driver.advanceWallClockTime(Duration.ofSeconds(2));
            assertThat(finals.readValuesToList()).extracting(SynthesisResult::getTaskId).containsExactly("d" + i);
        }
    }

    @Test
    void aFailedStageEndsTheTaskWithItsReason() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("t6", task("t6", "goal", "sequential")); // in parallel, the task would fall back
        PersonaResult failed = result("t6", Pipeline.THESIS, 1, null);
        failed.setStatus(ResultStatus.FAILED);
        failed.setError("gave up after 4 attempt(s): 503");
        results.pipeInput("t6", failed);

        SynthesisResult end = finals.readValue();
        assertThat(end.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(end.getReason()).isEqualTo("stage thesis failed: gave up after 4 attempt(s): 503");
    }

    @Test
    void aRequestArchivedUnservedIsAskedForAgainAsANewAttemptRecordedInTheLedger() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("r1", task("r1", "goal", null));
        assertThat(thesis.readValue().getAttempt()).isEqualTo(1);

        results.pipeInput("r1", unserved("r1", Pipeline.THESIS, 1));

        assertThat(thesis.readValue().getAttempt()).isEqualTo(2);
        StageTiming asked = lastLedger().getStages().getFirst();
        assertThat(asked.getStatus()).isEqualTo(StageStatus.REQUESTED);
        assertThat(asked.getAttempts()).isEqualTo(2);
        assertThat(asked.getReRequests()).containsExactly("the request of attempt 1 was archived unserved after 10 deliveries");

        results.pipeInput("r1", unserved("r1", Pipeline.THESIS, 1)); // forwarded twice: at least once
        assertThat(thesis.isEmpty()).as("a repeated unserved result of a replaced attempt asks nothing").isTrue();
        for (String stage : List.of(Pipeline.THESIS, Pipeline.ANTITHESIS)) {
            results.pipeInput("r1", result("r1", stage, stage.equals(Pipeline.THESIS) ? 2 : 1, stage));
        }
        results.pipeInput("r1", result("r1", Pipeline.SYNTHESIS, 1, "done"));
        assertThat(finals.readValue().getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
    }

    @Test
    void anAttemptWithoutAnswerInTimeIsAskedForAgainAndTheFirstAnswerOfAnyAttemptWins() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("r2", task("r2", "goal", null));
        thesis.readValuesToList();
        antithesis.readValuesToList();

        driver.advanceWallClockTime(SETTINGS.stageAttemptTimeout().minusSeconds(1));
        assertThat(thesis.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(thesis.readValuesToList()).extracting(PersonaRequest::getAttempt).containsExactly(2);
        assertThat(antithesis.readValuesToList()).extracting(PersonaRequest::getAttempt).containsExactly(2);
        assertThat(lastLedger().getStages().getFirst().getReRequests())
                .containsExactly("attempt 1 had no answer after 20000 ms");

        PersonaResult failedFirst = result("r2", Pipeline.ANTITHESIS, 1, null);
        failedFirst.setStatus(ResultStatus.FAILED);
        failedFirst.setError("503");
        results.pipeInput("r2", failedFirst);
        TaskState stored = (TaskState) driver.getKeyValueStore(OrchestratorTopology.TASK_STORE).get("r2");
        assertThat(stored.getLedger().getStages().get(1).getStatus())
                .as("a failure of a replaced attempt does not fail the stage").isEqualTo(StageStatus.REQUESTED);
        assertThat(ledger.isEmpty()).as("and changes nothing").isTrue();

        results.pipeInput("r2", result("r2", Pipeline.THESIS, 1, "late but first"));
        results.pipeInput("r2", result("r2", Pipeline.THESIS, 2, "second"));
        results.pipeInput("r2", result("r2", Pipeline.ANTITHESIS, 2, "contra"));
        assertThat(synthesis.readValue().getInputs()).extracting(PersonaInput::getText)
                .containsExactly("late but first", "contra");
    }

    @Test
    void aStageUnansweredAfterItsLastAttemptFailsTheTask() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("r3", task("r3", "goal", null));
        for (int attempt = 1; attempt <= SETTINGS.stageMaxAttempts(); attempt++) {
            results.pipeInput("r3", unserved("r3", Pipeline.THESIS, attempt));
        }

        assertThat(thesis.readValuesToList()).extracting(PersonaRequest::getAttempt).containsExactly(1, 2, 3);
        SynthesisResult end = finals.readValue();
        assertThat(end.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(end.getReason()).isEqualTo("stage thesis failed: no answer after 3 request(s): the request of"
                + " attempt 3 was archived unserved after 10 deliveries");
    }

    private static PersonaResult unserved(String taskId, String stage, int attempt) {
        PersonaResult unserved = result(taskId, stage, attempt, null);
        unserved.setStatus(ResultStatus.FAILED);
        unserved.setUnserved(true);
        unserved.setCallAttempts(0);
        unserved.setError("the request of attempt " + attempt + " was archived unserved after 10 deliveries");
        return unserved;
    }

    @Test
    void theJoinWaitsForEveryInputOfAWiderPipeline() {
        start(OrchestratorTopology.build(topics, SETTINGS, SpecLoader.parse("wide.yaml", """
                personas: {thesis: {}, antithesis: {}, critic: {}, synthesis: {}}
                stages:
                  - {name: thesis, persona: thesis}
                  - {name: antithesis, persona: antithesis}
                  - {name: critique, persona: critic}
                  - {name: synthesis, persona: synthesis, inputs: [thesis, antithesis, critique]}
                """)));
        TestOutputTopic<String, PersonaRequest> critic = requests("critic");

        tasks.pipeInput("t7", task("t7", "goal", null));
        assertThat(critic.readValuesToList()).hasSize(1);
        results.pipeInput("t7", result("t7", "thesis", 1, "a"));
        results.pipeInput("t7", result("t7", "critique", 1, "c"));
        assertThat(synthesis.isEmpty()).isTrue();
        results.pipeInput("t7", result("t7", "antithesis", 1, "b"));
        assertThat(synthesis.readValue().getInputs()).extracting(PersonaInput::getText).containsExactly("a", "b", "c");
    }

    @Test
    void finishedTasksAreForgottenAfterRetention() {
        start(OrchestratorTopology.build(topics, SETTINGS));
        tasks.pipeInput("t8", task("t8", "goal", null));
        for (String stage : List.of(Pipeline.THESIS, Pipeline.ANTITHESIS, Pipeline.SYNTHESIS)) {
            results.pipeInput("t8", result("t8", stage, 1, stage));
        }
        assertThat(finals.readValuesToList()).hasSize(1);
        driver.advanceWallClockTime(Duration.ofHours(1).plusSeconds(1));
        assertThat(driver.getKeyValueStore(OrchestratorTopology.TASK_STORE).get("t8")).isNull();

        tasks.pipeInput("t8", task("t8", "again", null));
        assertThat(thesis.readValuesToList()).extracting(PersonaRequest::getGoal).endsWith("again");
    }

    private TaskLedger lastLedger() {
        List<TaskLedger> all = ledger.readValuesToList();
        assertThat(all).isNotEmpty();
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).getTransitions()).isGreaterThan(all.get(i - 1).getTransitions());
        }
        return all.getLast();
    }

    static Task task(String id, String goal, String mode) {
        return Task.newBuilder().setTaskId(id).setGoal(goal).setMode(mode).setContext(null).setTimeoutMs(null)
                .setSubmittedAt(START).setAttributes(Map.of()).build();
    }

    static PersonaResult result(String taskId, String stage, int attempt, String text) {
        return PersonaResult.newBuilder()
                .setTaskId(taskId).setStage(stage).setPersona(stage).setAttempt(attempt)
                .setStatus(ResultStatus.SUCCEEDED).setText(text).setError(null)
                .setProvider("test").setModel("m").setWorkerId("w")
                .setStartedAt(START).setFirstTokenAt(START).setFinishedAt(START)
                .setInputTokens(1).setOutputTokens(2).setCallAttempts(1).setDeliveryCount(1).setCacheHit(false)
                .build();
    }
}
