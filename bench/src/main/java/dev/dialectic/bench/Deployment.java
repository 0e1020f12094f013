package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import dev.dialectic.app.DialecticService;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One scenario's own Dialectic deployment: an in-process {@link DialecticService} under the scenario's topic
 * prefix, a producer that submits tasks as a client would, a {@link ResultWatcher}, and a ledger reader.
 * Closing it stops the service and deletes the scenario's topics and groups, so scenarios do not interfere.
 */
final class Deployment implements AutoCloseable {

    private static final Duration WARM_UP_TIMEOUT = Duration.ofMinutes(2);

    private final DialecticConfig config;
    private final Map<String, Object> clientConfig;
    private final String prefix;
    private final Path stateDir;
    private final SchemaRegistryClient registry;
    private final Topics topics;
    private final DialecticService service;
    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<Task> tasks;
    private final ResultWatcher results;

    private Deployment(DialecticConfig config, Path stateDir, DialecticService service) {
        this.config = config;
        this.clientConfig = config.clientConfig();
        this.prefix = config.getString(DialecticConfig.TOPIC_PREFIX);
        this.stateDir = stateDir;
        this.service = service;
        this.registry = DialecticService.registryClient(config);
        this.topics = DialecticService.topics(config, registry);
        this.tasks = topics.tasks().valueSerde().serializer();
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        // A client submitting one task at a time: no batching delay of ours in the measured latency.
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, prefix + "bench-producer");
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.results = new ResultWatcher(clientConfig, topics.results());
    }

    /**
     * Starts the service with {@code settings} (which must name the cluster and the topic prefix; a state
     * directory is added) and the clients around it.
     */
    static Deployment start(Map<String, String> settings) {
        Path stateDir;
        try {
            stateDir = Files.createTempDirectory("dialectic-bench-state");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory", e);
        }
        Map<String, String> all = new HashMap<>(settings);
        all.put(DialecticConfig.ORCHESTRATOR_STATE_DIR, stateDir.toString());
        // The benchmark measures the pipeline; the HTTP API's live feed would add a reader of every topic.
        all.putIfAbsent(DialecticConfig.API_PORT, "0");
        DialecticConfig config = new DialecticConfig(all);
        DialecticService service = DialecticService.start(config);
        try {
            return new Deployment(config, stateDir, service);
        } catch (RuntimeException e) {
            service.close();
            Cluster.deleteRecursively(stateDir);
            throw e;
        }
    }

    /** The running service. */
    DialecticService service() {
        return service;
    }

    /** The service's configuration. */
    DialecticConfig config() {
        return config;
    }

    /** The deployment's topics. */
    Topics topics() {
        return topics;
    }

    /** The results reader. */
    ResultWatcher results() {
        return results;
    }

    /** Publishes a task without attributes: {@link #submit(String, String, Mode, Map)}. */
    Submission submit(String taskId, String goal, Mode mode) {
        return submit(taskId, goal, mode, Map.of());
    }

    /**
     * Publishes a task with {@code attributes} (asynchronously; the producer is thread-safe) and returns what was
     * sent when.
     */
    Submission submit(String taskId, String goal, Mode mode, Map<String, String> attributes) {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        Task task = Task.newBuilder().setTaskId(taskId).setGoal(goal).setMode(mode.wireName()).setContext(null)
                .setTimeoutMs(null).setSubmittedAt(Instant.ofEpochMilli(millis)).setAttributes(attributes).build();
        String topic = topics.tasks().name();
        producer.send(new ProducerRecord<>(topic, taskId, tasks.serialize(topic, task)), (metadata, error) -> {
            if (error != null) {
                System.err.println("bench: could not submit " + taskId + ": " + error);
            }
        });
        return new Submission(taskId, mode, nanos, millis);
    }

    /**
     * Runs {@code count} tasks through the service and waits for their results, so measurements that follow
     * do not include group joins, topic metadata, schema registrations and a cold JIT.
     */
    void warmUp(int count, Mode mode) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(submit(prefix + "warm-up-" + i, Workload.goal(i), mode).taskId());
        }
        Set<String> missing = results.awaitAll(ids, WARM_UP_TIMEOUT);
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missing.size() + " of " + count + " warm-up tasks got no result within "
                    + WARM_UP_TIMEOUT.toSeconds() + " s; the service is not working");
        }
    }

    /** The newest ledger record of each of {@code taskIds}: the whole ledger topic read up to its end now. */
    Map<String, TaskLedger> ledgers(Collection<String> taskIds) {
        Set<String> wanted = new HashSet<>(taskIds);
        Map<String, TaskLedger> newest = new HashMap<>();
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        String topic = topics.ledger().name();
        try (KafkaConsumer<String, TaskLedger> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                topics.ledger().valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, TaskLedger> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.contains(record.key())) {
                        newest.put(record.key(), record.value());
                    }
                }
            }
        }
        return newest;
    }

    /** Stops the clients and the service, then deletes this deployment's topics, groups and local state. */
    @Override
    public void close() {
        results.close();
        producer.close(Duration.ofSeconds(10));
        service.close();
        registry.close();
        deleteTopicsAndGroups();
        Cluster.deleteRecursively(stateDir);
    }

    private void deleteTopicsAndGroups() {
        try (Admin admin = Admin.create(clientConfig)) {
            // Groups first: deleting a share group whose topics are gone fails on the broker, which then retries
            // deleting the group's share state in the background and logs errors for a while.
            List<String> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(listing -> listing.groupId()).filter(id -> id.startsWith(prefix)).toList();
            // Kinds differ (classic, streams, share) and each call deletes only its own kind: the rest fail.
            admin.deleteConsumerGroups(groups).deletedGroups().values().forEach(Deployment::awaitQuietly);
            admin.deleteShareGroups(groups).deletedGroups().values().forEach(Deployment::awaitQuietly);
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> ours = names.stream().filter(name -> name.startsWith(prefix)).toList();
            admin.deleteTopics(ours).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("bench: could not delete the topics of " + prefix + "*: " + e);
        }
    }

    private static void awaitQuietly(KafkaFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // not a group of this kind, or already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
