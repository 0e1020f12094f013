package dev.dialectic.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithLocalStack
class DialecticClientTest {

    private TestStack stack;
    private RestSchemaRegistryClient registry;
    private Topics topics;
    private DialecticClient client;

    @BeforeEach
    void setUp(TestStack stack) {
        this.stack = stack;
        String prefix = stack.uniqueName("t") + ".";
        registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build();
        topics = Topics.builder().prefix(prefix).registry(registry).build();
        stack.createTopics(3, topics.tasks().name(), topics.results().name(), topics.ledger().name());
        client = DialecticClient.builder().bootstrapServers(stack.bootstrapServers()).registry(registry)
                .topicPrefix(prefix).build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        registry.close();
    }

    @Test
    void submitWritesTheTaskKeyedByItsId() {
        TaskSpec spec = TaskSpec.builder().goal("Should we adopt a four-day week?").context("18 support agents")
                .mode(Mode.SEQUENTIAL).timeout(Duration.ofSeconds(45)).attribute("team", "people").build();
        Instant before = Instant.now().minusMillis(1);

        String id = client.submit(spec);

        List<ConsumerRecord<String, Task>> records = tasks();
        assertThat(id).isEqualTo(spec.id());
        assertThat(records).hasSize(1);
        ConsumerRecord<String, Task> record = records.getFirst();
        assertThat(record.key()).isEqualTo(id);
        Task task = record.value();
        assertThat(task.getSubmittedAt()).isBetween(before, Instant.now());
        assertThat(task).isEqualTo(spec.toTask(task.getSubmittedAt()));
        assertThat(task.getMode()).isEqualTo("sequential");
        assertThat(task.getTimeoutMs()).isEqualTo(45_000L);
    }

    @Test
    void submitAllWritesEveryTask() {
        List<TaskSpec> specs = IntStream.range(0, 100).mapToObj(i -> TaskSpec.of("goal " + i)).toList();

        List<String> ids = client.submitAll(specs);

        List<ConsumerRecord<String, Task>> records = tasks();
        assertThat(ids).hasSize(100).doesNotHaveDuplicates().containsExactlyElementsOf(specs.stream().map(TaskSpec::id).toList());
        assertThat(records).hasSize(100);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(records).allSatisfy(r -> assertThat(r.value().getTaskId()).isEqualTo(r.key()));
    }

    @Test
    void anInvalidTaskInABatchSendsNothing() {
        List<TaskSpec> specs = List.of(TaskSpec.of("fine"), TaskSpec.builder().goal("g").mode("diagonal").build(),
                TaskSpec.of("also fine"));

        assertThatThrownBy(() -> client.submitAll(specs))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.taskId()).isEqualTo(specs.get(1).id());
                    assertThat(e.reason()).isEqualTo("unknown mode 'diagonal' (expected parallel, sequential or adaptive)");
                });
        assertThat(tasks()).isEmpty();
    }

    @Test
    void refusesToSendWhenTheTopicsDoNotExistInsteadOfLettingTheBrokerCreateThem() {
        String prefix = stack.uniqueName("missing") + ".";
        try (DialecticClient elsewhere = DialecticClient.builder().bootstrapServers(stack.bootstrapServers())
                .registry(registry).topicPrefix(prefix).build()) {

            assertThatThrownBy(() -> elsewhere.submit(TaskSpec.of("g")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("topic " + prefix + "tasks does not exist; start the Dialectic service (it creates its"
                            + " topics) or check the topic prefix");
        }
        assertThat(stack.admin().listTopics().names()).succeedsWithin(Duration.ofSeconds(10))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.collection(String.class))
                .noneMatch(name -> name.startsWith(prefix));
    }

    @Test
    void awaitResultsReturnsExactlyTheCommittedResultsOfTheGivenTasks() throws Exception {
        List<String> ids = client.submitAll(List.of(TaskSpec.of("a"), TaskSpec.of("b"), TaskSpec.of("c")));
        String a = ids.get(0);
        String b = ids.get(1);
        String c = ids.get(2);
        List<String> arrived = Collections.synchronizedList(new ArrayList<>());
        try (var results = new Kafka.TransactionalWriter<>(stack.bootstrapServers(), topics.results().name(),
                topics.results().valueSerde().serializer())) {
            // Written after the submission but before anyone waits: must not be missed.
            results.commit(a, Records.result(a, ResultStatus.SUCCEEDED, "synthesis of a", null));

            CompletableFuture<Map<String, SynthesisResult>> waiting = CompletableFuture.supplyAsync(
                    () -> client.awaitResults(ids, Duration.ofSeconds(30), r -> arrived.add(r.getTaskId())));
            results.commit("someone-else", Records.result("someone-else", ResultStatus.SUCCEEDED, "not ours", null));
            results.abort(c, Records.result(c, ResultStatus.SUCCEEDED, "aborted synthesis of c", null));
            results.commit(b, Records.result(b, ResultStatus.FAILED, null, "deadline exceeded"));
            results.commit(c, Records.result(c, ResultStatus.SUCCEEDED, "committed synthesis of c", null));

            Map<String, SynthesisResult> found = waiting.get(30, TimeUnit.SECONDS);

            assertThat(found).containsOnlyKeys(a, b, c);
            assertThat(found.get(a).getText()).isEqualTo("synthesis of a");
            assertThat(found.get(b).getReason()).isEqualTo("deadline exceeded");
            assertThat(found.get(c).getText()).isEqualTo("committed synthesis of c");
            assertThat(arrived).containsExactlyInAnyOrder(a, b, c);
        }
    }

    @Test
    void awaitResultsGivesUpAtTheTimeoutWithWhatArrived() {
        List<String> ids = client.submitAll(List.of(TaskSpec.of("answered"), TaskSpec.of("never answered")));
        try (var results = new Kafka.TransactionalWriter<>(stack.bootstrapServers(), topics.results().name(),
                topics.results().valueSerde().serializer())) {
            results.commit(ids.get(0), Records.result(ids.get(0), ResultStatus.SUCCEEDED, "done", null));
        }
        long start = System.nanoTime();

        Map<String, SynthesisResult> found = client.awaitResults(ids, Duration.ofSeconds(2), r -> {});

        assertThat(found).containsOnlyKeys(ids.get(0));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @Test
    void ledgerReturnsTheNewestCommittedLedgerFromThePartitionOfTheKey() {
        Task task = TaskSpec.builder().id("task-42").goal("g").build().toTask(Instant.now());
        int home = Utils.toPositive(Utils.murmur2("task-42".getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 3;
        try (var ledgers = new Kafka.TransactionalWriter<>(stack.bootstrapServers(), topics.ledger().name(),
                topics.ledger().valueSerde().serializer())) {
            for (int transition = 1; transition <= 3; transition++) {
                ledgers.commit("task-42", Records.ledger(task, TaskStatus.RUNNING, null, transition));
                Task other = TaskSpec.builder().id("other-" + transition).goal("g").build().toTask(Instant.now());
                ledgers.commit(other.getTaskId(), Records.ledger(other, TaskStatus.RUNNING, null, 7));
            }
            ledgers.abort("task-42", Records.ledger(task, TaskStatus.FAILED, "aborted", 4));
            // The same key in another partition is not where the default partitioner puts it: never read.
            ledgers.commitTo((home + 1) % 3, "task-42", Records.ledger(task, TaskStatus.FAILED, "decoy", 99));
        }

        Optional<TaskLedger> ledger = client.ledger("task-42");

        assertThat(ledger).hasValueSatisfying(l -> {
            assertThat(l.getTransitions()).isEqualTo(3);
            assertThat(l.getStatus()).isEqualTo(TaskStatus.RUNNING);
        });
        assertThat(client.ledger("task-43")).isEmpty();
    }

    @Test
    void aDeletedLedgerIsEmpty() {
        Task task = TaskSpec.builder().id("gone").goal("g").build().toTask(Instant.now());
        try (var ledgers = new Kafka.TransactionalWriter<>(stack.bootstrapServers(), topics.ledger().name(),
                topics.ledger().valueSerde().serializer())) {
            ledgers.commit("gone", Records.ledger(task, TaskStatus.SUCCEEDED, null, 1));
            ledgers.commit("gone", null);
        }

        assertThat(client.ledger("gone")).isEmpty();
    }

    @Test
    void readsAndFollowsCommittedResults() {
        try (var results = new Kafka.TransactionalWriter<>(stack.bootstrapServers(), topics.results().name(),
                topics.results().valueSerde().serializer())) {
            results.commit("r-1", Records.result("r-1", ResultStatus.SUCCEEDED, "one", null));
            results.abort("r-2", Records.result("r-2", ResultStatus.SUCCEEDED, "aborted", null));
            results.commit("r-3", Records.result("r-3", ResultStatus.PARTIAL, "three", "antithesis failed"));
        }
        List<String> read = new ArrayList<>();
        List<String> followed = new ArrayList<>();

        client.readResults(r -> read.add(r.getTaskId()));
        client.followResults(true, r -> followed.add(r.getTaskId()), () -> followed.size() < 2);

        assertThat(read).containsExactlyInAnyOrder("r-1", "r-3");
        assertThat(followed).containsExactlyInAnyOrder("r-1", "r-3");
    }

    private List<ConsumerRecord<String, Task>> tasks() {
        return stack.readAll(topics.tasks().name(), topics.tasks().valueSerde().deserializer());
    }
}
