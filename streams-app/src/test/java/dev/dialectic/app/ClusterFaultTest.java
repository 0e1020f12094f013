package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.KafkaCluster;
import dev.dialectic.localstack.Ports;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on a three-broker cluster (broker processes, every topic replicated three times with
 * {@code min.insync.replicas=2}) running the compose topology as processes: two orchestrator instances and two
 * worker processes, the simulated model. Each test runs 2,000 tasks through a fault and then checks that every
 * task ended {@code SUCCEEDED} with exactly one result (read_committed) and that nothing went to the dlq; it prints
 * how long the last result came after the fault.
 *
 * <p>The cluster and the four service processes are shared by the tests (starting them is most of the cost on two
 * cores); each test uses its own task ids, and first restores what an earlier test took down. Tasks are submitted
 * in portions around each fault, so every fault lands mid-run however fast the machine is.
 */
@WithLocalStack
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTest {

    private static final int TASKS = 2_000;
    private static final Duration STARTUP = Duration.ofMinutes(2);
    private static final Duration RUN = Duration.ofMinutes(3);
    /**
     * Four service JVMs and three brokers share two cores: the client compiler only (C2's compiler threads would take
     * a core for the first minute) and the serial collector keep the services' own overhead small.
     */
    private static final List<String> APP_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static KafkaCluster cluster;
    private static Admin admin;
    private static PipelineHarness harness;
    private static final Map<String, Process> apps = new LinkedHashMap<>();

    @BeforeAll
    static void startClusterAndService(TestStack shared) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cluster-");
        cluster = KafkaCluster.start(dir, distinctFreePorts(3));
        cluster.awaitReady(STARTUP);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
        harness = new PipelineHarness(shared, cluster.bootstrapServers());
        harness.settings.put(DialecticConfig.TOPIC_REPLICATION_FACTOR, "3");
        // Few share consumers: two worker processes of 64 per persona would keep the three brokers busy on two
        // cores answering idle fetches.
        harness.settings.put(DialecticConfig.WORKER_CONSUMERS, "8");
        // A task stuck after a fault ends FAILED (and fails the test with its reason) well within the test's wait.
        harness.settings.put(DialecticConfig.TASK_TIMEOUT_MS, "120000");
        for (String name : List.of("orchestrator-1", "orchestrator-2")) {
            apps.put(name, harness.launchApp(name, APP_JVM, orchestrator(name)));
        }
        for (String name : List.of("workers-1", "workers-2")) {
            apps.put(name, harness.launchApp(name, APP_JVM, Map.of(DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS,
                    DialecticConfig.WORKER_ID, name)));
        }
        for (Map.Entry<String, Process> app : apps.entrySet()) {
            harness.awaitRunning(app.getValue(), app.getKey());
        }
    }

    @AfterAll
    static void stopClusterAndService() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.stop();
        }
    }

    /** Whatever an earlier test took down comes back, and the cluster is whole, before the next fault. */
    @BeforeEach
    void restoreTheDeployment() throws Exception {
        for (int id = 1; id <= cluster.size(); id++) {
            if (!cluster.node(id).isAlive()) {
                cluster.restart(id, STARTUP);
            }
        }
        cluster.awaitFullyReplicated(STARTUP);
        for (Map.Entry<String, Process> app : apps.entrySet()) {
            if (!app.getValue().isAlive()) {
                String name = app.getKey() + "-again";
                Process replacement = harness.launchApp(name, APP_JVM, app.getKey().startsWith("orchestrator")
                        ? orchestrator(name) : Map.of(DialecticConfig.ROLES, DialecticConfig.ROLE_WORKERS));
                harness.awaitRunning(replacement, name);
                app.setValue(replacement);
            }
        }
    }

    @Test
    @Order(1)
    void aBrokerKilledMidRunLosesNoTaskAndDuplicatesNone() throws Exception {
        List<Task> tasks = tasks("broker-kill");
        harness.submit(tasks.subList(0, TASKS / 2));
        awaitResults("broker-kill", TASKS / 10);

        // The active controller: its death moves the quorum's leadership as well as a third of the partition leaders.
        int victim = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        Instant fault = Instant.now();
        cluster.kill(victim);
        harness.submit(tasks.subList(TASKS / 2, TASKS));
        Instant last = awaitAllResults(tasks);
        report("broker " + victim + " (the active controller) killed with SIGKILL", fault, last);

        cluster.restart(victim, STARTUP);
        cluster.awaitFullyReplicated(STARTUP);
        assertExactlyOneSuccessEach("broker-kill", tasks);
    }

    @Test
    @Order(2)
    void aRollingRestartOfEveryBrokerMidRunLosesNoTaskAndDuplicatesNone() throws Exception {
        List<Task> tasks = tasks("rolling");
        int portion = TASKS / (cluster.size() + 1);
        harness.submit(tasks.subList(0, portion));
        awaitResults("rolling", portion / 5);

        Instant fault = Instant.now();
        for (int id = 1; id <= cluster.size(); id++) {
            assertThat(cluster.stop(id)).as("broker %d shut down in a controlled way", id).isTrue();
            // Tasks arrive while this broker is down, whatever the machine's speed.
            harness.submit(tasks.subList(portion * id, id == cluster.size() ? TASKS : portion * (id + 1)));
            cluster.restart(id, STARTUP);
            cluster.awaitFullyReplicated(STARTUP);
        }
        Instant restarted = Instant.now();
        Instant last = awaitAllResults(tasks);
        report("rolling restart of " + cluster.size() + " brokers (took "
                + seconds(Duration.between(fault, restarted)) + ")", fault, last);
        assertExactlyOneSuccessEach("rolling", tasks);
    }

    @Test
    @Order(3)
    void anOrchestratorKilledMidRunHandsItsPartitionsToTheOtherInstance() throws Exception {
        String group = harness.config().applicationId();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(orchestratorMembers(group)).as("both orchestrator instances own partitions").hasSize(2)
                        .allSatisfy(member -> assertThat(tasksPartitions(member)).isNotEmpty()));

        List<Task> tasks = tasks("orchestrator-kill");
        harness.submit(tasks.subList(0, TASKS / 2));
        awaitResults("orchestrator-kill", TASKS / 10);
        Instant fault = Instant.now();
        apps.get("orchestrator-1").destroyForcibly().waitFor(); // SIGKILL: no commit, no leave-group
        harness.submit(tasks.subList(TASKS / 2, TASKS));
        Instant last = awaitAllResults(tasks);
        report("orchestrator-1 killed with SIGKILL", fault, last);

        assertExactlyOneSuccessEach("orchestrator-kill", tasks);
        assertThat(orchestratorMembers(group)).as("the surviving instance owns every partition").singleElement()
                .satisfies(member -> assertThat(tasksPartitions(member)).hasSize(
                        harness.config().getInt(DialecticConfig.TOPIC_PARTITIONS)));
    }

    /** An orchestrator instance's settings: each has a state directory of its own, as on separate machines. */
    private static Map<String, String> orchestrator(String name) throws IOException {
        return Map.of(DialecticConfig.ROLES, DialecticConfig.ROLE_ORCHESTRATOR,
                DialecticConfig.ORCHESTRATOR_STATE_DIR,
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "streams-state")), name)
                        .toAbsolutePath().toString());
    }

    private static List<Task> tasks(String name) {
        return IntStream.range(0, TASKS)
                .mapToObj(i -> PipelineHarness.task(name + "-" + i, "goal " + i, i % 2 == 0 ? "parallel" : "sequential"))
                .toList();
    }

    private static void awaitResults(String name, int count) {
        await().atMost(RUN).pollInterval(Duration.ofMillis(250))
                .until(() -> results(name).size() >= count);
    }

    /** Waits until every task has a result; returns when the last of them was written. */
    private static Instant awaitAllResults(List<Task> tasks) {
        String name = tasks.get(0).getTaskId().substring(0, tasks.get(0).getTaskId().lastIndexOf('-'));
        await().atMost(RUN).pollInterval(Duration.ofMillis(500))
                .until(() -> results(name).size() >= tasks.size());
        return results(name).stream().map(record -> Instant.ofEpochMilli(record.timestamp()))
                .max(Instant::compareTo).orElseThrow();
    }

    private static void assertExactlyOneSuccessEach(String name, List<Task> tasks) {
        // A late duplicate would come from a transaction still open at the fault: give it time to show up.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> results(name).size() == tasks.size());
        List<SynthesisResult> results = results(name).stream().map(ConsumerRecord::value).toList();
        assertThat(results).extracting(SynthesisResult::getTaskId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::getTaskId).toList());
        Map<String, String> unsuccessful = results.stream().filter(r -> r.getStatus() != ResultStatus.SUCCEEDED)
                .collect(Collectors.toMap(SynthesisResult::getTaskId, r -> r.getStatus() + ": " + r.getReason()));
        assertThat(unsuccessful).as("tasks that did not succeed").isEmpty();
        Deserializer<byte[]> bytes = (topic, data) -> data;
        assertThat(harness.readAll(harness.topics.dlq().name(), bytes)).as("records in the dlq").isEmpty();
    }

    private static List<ConsumerRecord<String, SynthesisResult>> results(String name) {
        return harness.readAll(harness.topics.results()).stream()
                .filter(record -> record.key().startsWith(name + "-")).toList();
    }

    private static void report(String fault, Instant at, Instant lastResult) {
        System.out.printf("CLUSTER FAULT: %s; %d tasks; fault -> last result %s%n", fault, TASKS,
                seconds(Duration.between(at, lastResult)));
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static List<MemberDescription> orchestratorMembers(String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return new ArrayList<>(description.members());
    }

    private static Set<TopicPartition> tasksPartitions(MemberDescription member) {
        return member.assignment().topicPartitions().stream()
                .filter(partition -> partition.topic().equals(harness.topics.tasks().name()))
                .collect(Collectors.toSet());
    }

    private static List<Integer> distinctFreePorts(int count) {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < count) {
            ports.add(Ports.freePort());
        }
        return List.copyOf(ports);
    }
}
