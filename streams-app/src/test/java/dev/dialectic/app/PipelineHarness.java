package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One isolated Dialectic deployment on the shared test broker and registry: its own topic prefix, settings
 * for a fast simulated model, and plain Kafka clients to submit tasks and read what came out.
 */
final class PipelineHarness implements AutoCloseable {

    final TestStack stack;
    final String bootstrapServers;
    final String prefix;
    final Map<String, Object> settings = new HashMap<>();
    final SchemaRegistryClient registry;
    final Topics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final List<Process> children = new ArrayList<>();

    PipelineHarness(TestStack stack) throws Exception {
        this(stack, stack.bootstrapServers());
    }

    /** A deployment on the brokers at {@code bootstrapServers}, with the registry of {@code stack}. */
    PipelineHarness(TestStack stack, String bootstrapServers) throws Exception {
        this.stack = stack;
        this.bootstrapServers = bootstrapServers;
        this.prefix = stack.uniqueName("it") + ".";
        settings.put(DialecticConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        settings.put(DialecticConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        settings.put(DialecticConfig.TOPIC_PREFIX, prefix);
        settings.put(DialecticConfig.TOPIC_PARTITIONS, "3");
        settings.put(DialecticConfig.ORCHESTRATOR_STATE_DIR, Files.createTempDirectory(Files.createDirectories(Path.of("target", "streams-state")), "state").toAbsolutePath().toString());
        // Short enough that a killed worker's requests come back soon, long enough that a busy 2-core machine
        // acknowledges in time (with 5 s, cold workers there let locks lapse and spent delivery attempts).
        settings.put(DialecticConfig.WORKER_SHARE_LOCK_DURATION_MS, "15000");
        settings.put(DialecticConfig.SIMULATED_SPEED_FACTOR, "0.02");
        // Tests repeat goals and count model calls and stage timings: the response cache is on only where a test
        // turns it on (CacheIntegrationTest).
        settings.put(DialecticConfig.CACHE_ENABLED, "false");
        // Several services share this JVM and the machine: no HTTP API unless a test asks for one.
        settings.put(DialecticConfig.API_PORT, "0");
        // A killed orchestrator's partitions move to its successor after this, not after the default 45 s.
        settings.put("streams.session.timeout.ms", "6000");
        settings.put("streams.heartbeat.interval.ms", "1000");
        this.registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build();
        this.topics = DialecticService.topics(new DialecticConfig(settings), registry);
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    DialecticConfig config() {
        return new DialecticConfig(settings);
    }

    DialecticService startService() {
        return DialecticService.start(config());
    }

    /**
     * Starts the service and runs one task through it, so that measurements and deadlines that follow do not
     * include group joins, changelog creation and the first schema registrations.
     */
    DialecticService startWarmService() throws Exception {
        DialecticService service = startService();
        try {
            submit(List.of(task("warm-up", "warm up", null)));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> results().stream().anyMatch(r -> r.getTaskId().equals("warm-up")));
            return service;
        } catch (Exception | AssertionError e) {
            service.close();
            throw e;
        }
    }

    static Task task(String id, String goal, String mode) {
        return Task.newBuilder().setTaskId(id).setGoal(goal).setMode(mode).setContext(null).setTimeoutMs(null)
                .setSubmittedAt(Instant.now()).setAttributes(Map.of()).build();
    }

    /** Sends the tasks (key = id) and waits until the broker has them all. */
    void submit(List<Task> tasks) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Task task : tasks) {
            sent.add(sendRaw(task.getTaskId(),
                    topics.tasks().valueSerde().serializer().serialize(topics.tasks().name(), task)));
        }
        for (Future<RecordMetadata> future : sent) {
            future.get();
        }
    }

    Future<RecordMetadata> sendRaw(String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topics.tasks().name(), key, value));
    }

    /** Every record on {@code topic} a read_committed consumer sees, from the beginning up to its end now. */
    <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        return readAll(topic.name(), topic.valueSerde().deserializer());
    }

    <V> List<ConsumerRecord<String, V>> readAll(String topic, Deserializer<V> values) {
        return TestStack.readAll(bootstrapServers, topic, values);
    }

    List<SynthesisResult> results() {
        return readAll(topics.results()).stream().map(ConsumerRecord::value).toList();
    }

    /** The newest ledger record of every task. */
    Map<String, TaskLedger> ledgers() {
        Map<String, TaskLedger> newest = new HashMap<>();
        readAll(topics.ledger()).forEach(r -> newest.put(r.key(), r.value()));
        return newest;
    }

    /**
     * Runs {@code dialectic app} in its own JVM with this harness's settings plus {@code overrides}, and waits
     * until it says it is running. Its output goes to {@code target/child-apps/<name>.log}.
     */
    Process startApp(String name, List<String> jvmOptions, Map<String, String> overrides) throws IOException {
        Process process = launchApp(name, jvmOptions, overrides);
        awaitRunning(process, name);
        return process;
    }

    /** Starts {@code dialectic app} as {@link #startApp} does, without waiting; see {@link #awaitRunning}. */
    Process launchApp(String name, List<String> jvmOptions, Map<String, String> overrides) throws IOException {
        Path log = appLog(name);
        List<String> command = new ArrayList<>(List.of(javaBinary().toString(), "-cp",
                System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(DialecticApp.class.getName());
        Map<String, Object> all = new HashMap<>(settings);
        all.putAll(overrides);
        all.forEach((key, value) -> {
            command.add("--set");
            command.add(key + "=" + value);
        });
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(process);
        return process;
    }

    /** Waits until the app {@code name} started by {@link #launchApp} says it is running. */
    void awaitRunning(Process process, String name) throws IOException {
        Path log = appLog(name);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("app %s is alive; see %s", name, log).isTrue();
            return Files.readString(log).contains("Dialectic running");
        });
    }

    private Path appLog(String name) throws IOException {
        return Files.createDirectories(Path.of("target", "child-apps")).resolve(prefix + name + ".log");
    }

    @Override
    public void close() throws ExecutionException, InterruptedException {
        children.forEach(Process::destroyForcibly);
        producer.close(Duration.ofSeconds(5));
        registry.close();
    }

    static Path javaBinary() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow());
    }
}
