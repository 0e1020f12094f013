package dev.dialectic.producers;

import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryException;
import dev.dialectic.tasks.TaskRules;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits tasks to Dialectic, waits for their results and reads their ledger: the library behind the
 * {@code dialectic cli} command, for any JVM producer.
 *
 * <pre>{@code
 * try (DialecticClient client = DialecticClient.builder()
 *         .bootstrapServers("localhost:9092")
 *         .registryUrl("http://127.0.0.1:8081/apis/ccompat/v7")
 *         .build()) {
 *     String id = client.submit(TaskSpec.of("Should we adopt a four-day week?"));
 *     client.awaitResults(List.of(id), Duration.ofMinutes(6), result -> {})
 *           .values().forEach(result -> System.out.println(result.getText()));
 * }
 * }</pre>
 *
 * <p><b>Submitting.</b> Tasks are checked against {@link TaskRules} before anything is sent (a refusal is an
 * {@link InvalidTaskException} carrying the orchestrator's own reason), then written to {@code tasks} keyed
 * by task id with an idempotent producer and {@code acks=all}; the submit methods return once every task is
 * durable. Submitting an id the orchestrator already knows is harmless: the orchestrator ignores it and the
 * task keeps its one result. So after a failure, re-submitting a whole batch is safe. The client never
 * creates topics (the service does, with its partition counts): before its first submission it checks that
 * {@code tasks} and {@code results} exist, because a producer writing to a missing topic would have the
 * broker auto-create it with the wrong partition count.
 *
 * <p><b>Reading.</b> Results and ledgers are read with {@code isolation.level=read_committed}, because the
 * orchestrator writes both inside exactly-once transactions: an aborted attempt is never shown. Every read
 * uses a consumer of its own with assigned partitions and no group, so nothing is committed and no group
 * is left behind.
 *
 * <p>Timeouts are Kafka's: extra properties such as {@code max.block.ms}, {@code delivery.timeout.ms} and
 * {@code default.api.timeout.ms} bound how long a call may block when the cluster is unreachable; the
 * latter also bounds how long a read may go without progress. Thread-safe. The producer and the admin
 * client are created on first use, so a client that only reads ledgers never opens them.
 */
public final class DialecticClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DialecticClient.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final long DEFAULT_API_TIMEOUT_MS = 60_000;

    private final Topics topics;
    private final SchemaRegistryClient registry;
    private final boolean ownsRegistry;
    private final Map<String, Object> clientProperties;
    private final TaskRules rules;
    private final Duration apiTimeout;

    private KafkaProducer<String, Task> producer; // guarded by this
    private Admin admin; // guarded by this
    private Map<TopicPartition, Long> resultsStart; // guarded by this; null until the first submission

    private DialecticClient(Builder builder) {
        this.ownsRegistry = builder.registry == null;
        this.registry = ownsRegistry ? RestSchemaRegistryClient.builder(builder.registryUrl).build() : builder.registry;
        this.topics = Topics.builder().prefix(builder.topicPrefix).registry(registry).build();
        Map<String, Object> properties = new HashMap<>(builder.kafkaProperties);
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        this.clientProperties = Map.copyOf(properties);
        this.rules = builder.rules;
        Object apiTimeoutMs = properties.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        this.apiTimeout = Duration.ofMillis(
                apiTimeoutMs == null ? DEFAULT_API_TIMEOUT_MS : Long.parseLong(apiTimeoutMs.toString().strip()));
    }

    /** A builder with the default topic prefix ({@value Topics#DEFAULT_PREFIX}) and {@link TaskRules#DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The topics this client reads and writes, under its prefix. */
    public Topics topics() {
        return topics;
    }

    /** The rules every task is checked against before it is sent. */
    public TaskRules rules() {
        return rules;
    }

    /**
     * Submits one task and returns its id once the task is durably written to {@code tasks}.
     *
     * <p>Idempotent per task id: if the orchestrator already knows the id, it ignores the new record and the
     * earlier submission's single result stands.
     *
     * @throws InvalidTaskException if the task breaks the rules; nothing was sent
     * @throws IllegalStateException if the {@code tasks} or {@code results} topic does not exist
     * @throws KafkaException (e.g. {@link TimeoutException}) if the task could not be written
     * @throws SchemaRegistryException if the registry refused the schema or could not be reached
     */
    public String submit(TaskSpec spec) {
        check(spec, -1);
        send(List.of(spec));
        return spec.id();
    }

    /**
     * Submits every task, pipelined, and returns their ids (in the given order) once all are durable.
     * Every task is checked before the first is sent, so a single invalid task sends nothing.
     *
     * <p>If a send fails, the first failure is thrown after every send has completed; the tasks that were
     * written stay submitted, and submitting the same list again is safe (known ids are ignored).
     *
     * @throws InvalidTaskException for the first task that breaks the rules ({@link InvalidTaskException#index()}
     *     tells which); nothing was sent
     * @throws IllegalStateException if the {@code tasks} or {@code results} topic does not exist
     * @throws KafkaException (e.g. {@link TimeoutException}) if a task could not be written
     * @throws SchemaRegistryException if the registry refused the schema or could not be reached
     */
    public List<String> submitAll(List<TaskSpec> specs) {
        List<String> ids = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            check(specs.get(i), i);
            ids.add(specs.get(i).id());
        }
        send(specs);
        return List.copyOf(ids);
    }

    /**
     * Waits for the results of {@code ids} and returns those that arrived within {@code timeout}, by task id,
     * in arrival order; ids whose result did not arrive are simply absent. {@code onEach} is called once per
     * result as it arrives (on the calling thread), e.g. to report progress.
     *
     * <p>Reads {@code results} (read-committed) from the end offsets it had just before this client's first
     * submission, so it cannot miss the result of any task this client submitted: such a result is written
     * after its task, hence after that position. Offsets were preferred to timestamps because they do not
     * depend on the producer's and the orchestrator's clocks agreeing. The consequence: a result written
     * before this client first submitted (an id re-submitted from an earlier run, or a task submitted by
     * another process earlier) is not found; {@link #followResults} from the beginning finds those. A client
     * that has submitted nothing reads {@code results} from its beginning. If several results carry the same
     * id, the first wins.
     *
     * @throws IllegalStateException if the {@code results} topic does not exist
     */
    public Map<String, SynthesisResult> awaitResults(
            Collection<String> ids, Duration timeout, Consumer<SynthesisResult> onEach) {
        Set<String> wanted = new HashSet<>(ids);
        Map<String, SynthesisResult> found = new LinkedHashMap<>();
        if (wanted.isEmpty()) {
            return Collections.unmodifiableMap(found);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> start = submittedFrom();
        KafkaConsumer<String, SynthesisResult> consumer = consumer(topics.results());
        try {
            List<TopicPartition> partitions = partitions(consumer, topics.results().name());
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                Long offset = start == null ? null : start.get(partition);
                if (offset == null) { // nothing submitted yet, or a partition added since
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset);
                }
            }
            long left;
            while (found.size() < wanted.size() && (left = deadline - System.nanoTime()) > 0) {
                Duration wait = Duration.ofNanos(Math.min(left, POLL_INTERVAL.toNanos()));
                for (ConsumerRecord<String, SynthesisResult> record : poll(consumer, wait)) {
                    SynthesisResult result = record.value();
                    if (result != null && wanted.contains(result.getTaskId())
                            && found.putIfAbsent(result.getTaskId(), result) == null) {
                        onEach.accept(result);
                    }
                }
            }
        } finally {
            closeNow(consumer);
        }
        return Collections.unmodifiableMap(found);
    }

    /**
     * Calls {@code onEach} with every result on {@code results} (read-committed), from its beginning or
     * from its current end, for as long as {@code keepGoing} answers true; it is asked between polls, at
     * least every 200 ms.
     *
     * @throws IllegalStateException if the {@code results} topic does not exist
     */
    public void followResults(boolean fromBeginning, Consumer<SynthesisResult> onEach, BooleanSupplier keepGoing) {
        KafkaConsumer<String, SynthesisResult> consumer = consumer(topics.results());
        try {
            List<TopicPartition> partitions = partitions(consumer, topics.results().name());
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // Seeks are lazy: resolve them now, so "the end" is the end when the call was made.
            partitions.forEach(consumer::position);
            while (keepGoing.getAsBoolean()) {
                for (ConsumerRecord<String, SynthesisResult> record : poll(consumer, POLL_INTERVAL)) {
                    if (record.value() != null) {
                        onEach.accept(record.value());
                    }
                }
            }
        } finally {
            closeNow(consumer);
        }
    }

    /**
     * Calls {@code onEach} with every result on {@code results} (read-committed) up to the end the topic had
     * when the call was made, in partition order, and returns.
     *
     * @throws IllegalStateException if the {@code results} topic does not exist
     * @throws TimeoutException if reading made no progress for {@code default.api.timeout.ms}
     */
    public void readResults(Consumer<SynthesisResult> onEach) {
        KafkaConsumer<String, SynthesisResult> consumer = consumer(topics.results());
        try {
            readToEnd(consumer, partitions(consumer, topics.results().name()), record -> {
                if (record.value() != null) {
                    onEach.accept(record.value());
                }
            });
        } finally {
            closeNow(consumer);
        }
    }

    /**
     * The newest {@link TaskLedger} of a task: the task's whole timeline as of its last transition; empty
     * if the orchestrator never accepted the task (or its ledger was deleted).
     *
     * <p>Reads only the partition of the compacted {@code ledger} topic that the task id hashes to (Kafka's
     * default partitioner, which the orchestrator's writes go through), read-committed, from its beginning to
     * the end it had when the call was made; the newest record for the key wins.
     *
     * @throws IllegalStateException if the {@code ledger} topic does not exist
     * @throws TimeoutException if reading made no progress for {@code default.api.timeout.ms}
     */
    public Optional<TaskLedger> ledger(String taskId) {
        Topic<String, TaskLedger> ledger = topics.ledger();
        byte[] key = ledger.keySerde().serializer().serialize(ledger.name(), taskId);
        KafkaConsumer<String, TaskLedger> consumer = consumer(ledger);
        try {
            int partitions = partitions(consumer, ledger.name()).size();
            TopicPartition partition =
                    new TopicPartition(ledger.name(), Utils.toPositive(Utils.murmur2(key)) % partitions);
            List<TaskLedger> newest = new ArrayList<>(1);
            readToEnd(consumer, List.of(partition), record -> {
                if (taskId.equals(record.key())) {
                    newest.clear();
                    newest.add(record.value()); // null for a tombstone: the ledger was deleted
                }
            });
            return newest.isEmpty() ? Optional.empty() : Optional.ofNullable(newest.getFirst());
        } finally {
            closeNow(consumer);
        }
    }

    /** The Kafka client settings this client's producers and consumers are made with, for other readers and writers. */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    /**
     * The newest {@link TaskLedger} of every task that {@code keep} accepts: the whole compacted {@code ledger}
     * topic, read-committed, from its beginning to the end it had when the call was made; the newest record of a
     * task wins and a tombstone removes it. {@code keep} sees every record, so it must judge by what never
     * changes in a task's ledger (such as {@code submittedAt}); records it refuses are not held in memory.
     *
     * @throws IllegalStateException if the {@code ledger} topic does not exist
     * @throws TimeoutException if reading made no progress for {@code default.api.timeout.ms}
     */
    public List<TaskLedger> ledgers(Predicate<TaskLedger> keep) {
        Topic<String, TaskLedger> ledger = topics.ledger();
        KafkaConsumer<String, TaskLedger> consumer = consumer(ledger);
        try {
            Map<String, TaskLedger> newest = new LinkedHashMap<>();
            readToEnd(consumer, partitions(consumer, ledger.name()), record -> {
                if (record.value() != null && keep.test(record.value())) {
                    newest.put(record.key(), record.value());
                } else {
                    newest.remove(record.key());
                }
            });
            return List.copyOf(newest.values());
        } finally {
            closeNow(consumer);
        }
    }

    /** Closes the producer (after sending what it holds), the admin client, and the registry client it created. */
    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (ownsRegistry) {
            registry.close();
        }
    }

    private void check(TaskSpec spec, int index) {
        Objects.requireNonNull(spec, "spec");
        Optional<String> violation = spec.violation(rules);
        if (violation.isPresent()) {
            throw new InvalidTaskException(spec.id(), violation.get(), index);
        }
    }

    private void send(List<TaskSpec> specs) {
        KafkaProducer<String, Task> producer = producer();
        List<Future<RecordMetadata>> sends = new ArrayList<>(specs.size());
        for (TaskSpec spec : specs) {
            Task task = spec.toTask(Instant.now());
            sends.add(producer.send(new ProducerRecord<>(topics.tasks().name(), spec.id(), task)));
        }
        RuntimeException failure = null;
        for (Future<RecordMetadata> send : sends) {
            try {
                await(send);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Where {@link #awaitResults} starts: the read-committed end offsets of {@code results}, taken once,
     * before this client's first submission; null while nothing has been submitted.
     */
    private synchronized Map<TopicPartition, Long> submittedFrom() {
        return resultsStart;
    }

    private synchronized KafkaProducer<String, Task> producer() {
        if (producer == null) {
            // Taken before the first task leaves, so awaitResults cannot start after one of its results.
            resultsStart = resultsEndOffsets();
            Map<String, Object> properties = new HashMap<>(clientProperties);
            properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5); // lets submitAll batch its sends
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            properties.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(properties, topics.tasks().keySerde().serializer(),
                    topics.tasks().valueSerde().serializer());
        }
        return producer;
    }

    /** Checks that {@code tasks} and {@code results} exist and returns the end offsets of {@code results}. */
    private Map<TopicPartition, Long> resultsEndOffsets() {
        if (admin == null) {
            admin = Admin.create(clientProperties);
        }
        String tasks = topics.tasks().name();
        String results = topics.results().name();
        Map<String, TopicDescription> described = new HashMap<>();
        for (String topic : List.of(tasks, results)) {
            try {
                described.putAll(await(admin.describeTopics(List.of(topic)).allTopicNames()));
            } catch (UnknownTopicOrPartitionException e) {
                throw missingTopic(topic);
            }
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.get(results).partitions()
                .forEach(p -> latest.put(new TopicPartition(results, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        await(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return Map.copyOf(offsets);
    }

    private <V> KafkaConsumer<String, V> consumer(Topic<String, V> topic) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A metadata request for a missing topic must not create it with the broker's default partitions.
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Deserializer<V> values = topic.valueSerde().deserializer();
        return new KafkaConsumer<>(properties, topic.keySerde().deserializer(), values);
    }

    /**
     * Closes a reader without waiting: it has no group to leave and nothing to commit, and a graceful close
     * would wait for the fetch already in flight, which the broker may hold for {@code fetch.max.wait.ms}
     * (half a second per ledger lookup).
     */
    private static void closeNow(KafkaConsumer<?, ?> consumer) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw missingTopic(topic);
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** Reads {@code partitions} from their beginning to the read-committed end they have now. */
    private <V> void readToEnd(KafkaConsumer<String, V> consumer, List<TopicPartition> partitions,
            Consumer<ConsumerRecord<String, V>> onEach) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long progressDeadline = System.nanoTime() + apiTimeout.toNanos();
        long behind = remaining(consumer, end);
        while (behind > 0) {
            for (ConsumerRecord<String, V> record : poll(consumer, POLL_INTERVAL)) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    onEach.accept(record);
                }
            }
            long now = remaining(consumer, end);
            if (now < behind) {
                behind = now;
                progressDeadline = System.nanoTime() + apiTimeout.toNanos();
            } else if (System.nanoTime() > progressDeadline) {
                throw new TimeoutException("reading " + partitions + " made no progress for " + apiTimeout.toMillis()
                        + " ms");
            }
        }
    }

    private static long remaining(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            behind += Math.max(0, entry.getValue() - consumer.position(entry.getKey()));
        }
        return behind;
    }

    /**
     * Polls, skipping a record that cannot be decoded (a bad record must not stop a reader) but not one that
     * failed because the registry is unreachable, which is worth reporting instead.
     */
    private static <V> ConsumerRecords<String, V> poll(KafkaConsumer<String, V> consumer, Duration timeout) {
        try {
            return consumer.poll(timeout);
        } catch (RecordDeserializationException e) {
            if (e.getCause() instanceof SchemaRegistryException registryFailure && registryFailure.isUnavailable()) {
                throw registryFailure;
            }
            log.warn("skipping undecodable record {}@{}: {}", e.topicPartition(), e.offset(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return ConsumerRecords.empty();
        }
    }

    private static IllegalStateException missingTopic(String topic) {
        return new IllegalStateException("topic " + topic + " does not exist; start the Dialectic service (it creates"
                + " its topics) or check the topic prefix");
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** Builds a {@link DialecticClient}. Not thread-safe. */
    public static final class Builder {
        private String bootstrapServers;
        private String registryUrl;
        private SchemaRegistryClient registry;
        private String topicPrefix = Topics.DEFAULT_PREFIX;
        private final Map<String, Object> kafkaProperties = new HashMap<>();
        private TaskRules rules = TaskRules.DEFAULTS;

        private Builder() {}

        /** The Kafka brokers, e.g. {@code localhost:9092}; required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /**
         * The Confluent-compatible schema registry's base URL (credentials may be given as
         * {@code https://user:password@host}); the client creates a registry client and closes it. Give this or
         * {@link #registry}.
         */
        public Builder registryUrl(String registryUrl) {
            this.registryUrl = registryUrl;
            return this;
        }

        /**
         * A registry client to use, shared: the Dialectic client does not close it. Give this or
         * {@link #registryUrl}.
         */
        public Builder registry(SchemaRegistryClient registry) {
            this.registry = registry;
            return this;
        }

        /** Prefix of every topic name; default {@value Topics#DEFAULT_PREFIX}. */
        public Builder topicPrefix(String topicPrefix) {
            this.topicPrefix = Objects.requireNonNull(topicPrefix, "topicPrefix");
            return this;
        }

        /**
         * A property for every Kafka client the Dialectic client opens (security settings, timeouts such as
         * {@code max.block.ms} and {@code default.api.timeout.ms}, ...). {@code acks}, {@code enable.idempotence},
         * {@code isolation.level} and auto-commit are fixed by the client and cannot be overridden.
         */
        public Builder kafkaProperty(String name, Object value) {
            kafkaProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Every property of {@code properties}, as by {@link #kafkaProperty}. */
        public Builder kafkaProperties(Map<String, ?> properties) {
            properties.forEach(this::kafkaProperty);
            return this;
        }

        /** The rules tasks are checked against before sending; default {@link TaskRules#DEFAULTS}. */
        public Builder rules(TaskRules rules) {
            this.rules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /**
         * @throws IllegalArgumentException if the bootstrap servers are missing, or if not exactly one of a
         *     registry URL and a registry client was given, or the URL is not an http(s) URL
         */
        public DialecticClient build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are required");
            }
            if ((registryUrl == null) == (registry == null)) {
                throw new IllegalArgumentException("give either a schema registry URL or a registry client");
            }
            return new DialecticClient(this);
        }
    }
}
