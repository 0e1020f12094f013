package dev.dialectic.topics;

import dev.dialectic.canary.ControlSettings;
import dev.dialectic.schema.CacheEntry;
import dev.dialectic.schema.Control;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TokenChunk;
import dev.dialectic.serde.AvroSerde;
import dev.dialectic.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The single place that knows every Dialectic topic: names (under a configurable prefix), key and value
 * serdes, partitions, replication and topic configs. Immutable; build one with {@link #builder()}.
 *
 * <p>Every topic is keyed by task id (a UTF-8 string), except {@code control} (keyed by setting name),
 * {@code cache} (keyed by cache key) and {@code dlq} (the rejected record's original key bytes). {@code tasks} and
 * {@code persona.results} are read
 * together by the orchestrator and must be co-partitioned, so all topics share one partition count except
 * {@code control}, which has one partition so every reader sees settings in the order they were set.
 */
public final class Topics {

    /** The prefix used when none is configured. */
    public static final String DEFAULT_PREFIX = "dialectic.";
    /**
     * Partitions used when none are configured: three, because every partition is a Kafka Streams task of the
     * orchestrator with its own commits and transaction markers, and on a small machine six partitions made the
     * orchestrator fall seconds behind at 100 tasks/s where three kept up (see the README's benchmarks). Workers
     * do not need more: share groups spread requests over any number of workers. Raise it to run more
     * orchestrator instances.
     */
    public static final int DEFAULT_PARTITIONS = 3;
    /**
     * The prefix a broker requires of share-group dead-letter topic names by default (Kafka 4.4,
     * {@code errors.deadletterqueue.topic.name.prefix}), put before the topic prefix.
     */
    public static final String SHARE_DEAD_LETTER_PREFIX = "dlq.";
    /** Topic config that lets share groups write their dead letters to a topic (KIP-1191). */
    public static final String SHARE_DEAD_LETTER_ENABLE_CONFIG = "errors.deadletterqueue.group.enable";
    /** How long streamed tokens are kept: they serve live views, the full text is in the results. */
    public static final Duration TOKENS_RETENTION = Duration.ofHours(1);

    private final String prefix;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final SchemaRegistryClient registry;
    private final Topic<String, Task> tasks;
    private final Topic<String, PersonaResult> personaResults;
    private final Topic<String, TokenChunk> tokens;
    private final Topic<String, SynthesisResult> results;
    private final Topic<String, TaskLedger> ledger;
    private final Topic<String, Control> control;
    private final Topic<String, CacheEntry> cache;
    private final Topic<byte[], byte[]> dlq;
    private final Topic<String, PersonaRequest> personaDeadLetters;
    private final Serde<PersonaRequest> personaRequestSerde;
    /**
     * Persona topics by their name after {@code persona.}, made on first use (personas come from configuration); a
     * cache, not state.
     */
    private final Map<String, Topic<String, PersonaRequest>> personaTopics = new ConcurrentHashMap<>();

    private Topics(Builder builder) {
        this.prefix = builder.prefix;
        this.partitions = builder.partitions;
        this.replicationFactor = builder.replicationFactor;
        this.registry = Objects.requireNonNull(builder.registry, "a schema registry client is required");
        Map<String, String> delete = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        this.tasks = topic("tasks", Task.class, partitions, delete);
        this.personaResults = topic("persona.results", PersonaResult.class, partitions, delete);
        this.tokens = topic("tokens", TokenChunk.class, partitions, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(TOKENS_RETENTION.toMillis())));
        this.results = topic("results", SynthesisResult.class, partitions, delete);
        this.ledger = topic("ledger", TaskLedger.class, partitions, compact);
        this.control = topic("control", Control.class, 1, compact);
        this.cache = topic("cache", CacheEntry.class, partitions, compact);
        this.dlq = new Topic<>(prefix + "dlq", Serdes.ByteArray(), Serdes.ByteArray(), partitions, replicationFactor, delete);
        this.personaRequestSerde = AvroSerde.specific(PersonaRequest.class, registry, false);
        this.personaDeadLetters = new Topic<>(SHARE_DEAD_LETTER_PREFIX + prefix + "persona.dlq", Serdes.String(),
                personaRequestSerde, partitions, replicationFactor, Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        SHARE_DEAD_LETTER_ENABLE_CONFIG, "true"));
    }

    /** A builder with the default prefix and partition count. */
    public static Builder builder() {
        return new Builder();
    }

    /** Tasks submitted by producers; read by the orchestrator. */
    public Topic<String, Task> tasks() {
        return tasks;
    }

    /** Requests for persona {@code persona} ({@code persona.<name>}); read by that persona's workers. */
    public Topic<String, PersonaRequest> persona(String persona) {
        return persona(persona, ControlSettings.BASELINE);
    }

    /**
     * Requests for persona {@code persona} in release variant {@code variant}: {@code persona.<name>} for
     * {@value ControlSettings#BASELINE}, {@code persona.<name>.<variant>} otherwise, so that workers started for a
     * variant serve only its tasks.
     */
    public Topic<String, PersonaRequest> persona(String persona, String variant) {
        String suffix = ControlSettings.BASELINE.equals(variant) ? name("persona", persona) : name("persona", persona)
                + "." + name("variant", variant);
        return personaTopics.computeIfAbsent(suffix, name -> new Topic<>(prefix + "persona." + name, Serdes.String(),
                personaRequestSerde, partitions, replicationFactor,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)));
    }

    private static String name(String what, String name) {
        if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException(what + " names are letters, digits, '_' and '-', got: " + name);
        }
        return name;
    }

    /** Results of every persona call; written by workers, read by the orchestrator. */
    public Topic<String, PersonaResult> personaResults() {
        return personaResults;
    }

    /** Streamed tokens, batched, for live views; short retention. */
    public Topic<String, TokenChunk> tokens() {
        return tokens;
    }

    /** One final result per accepted task; read by downstream services. */
    public Topic<String, SynthesisResult> results() {
        return results;
    }

    /** The compacted timeline of every task. */
    public Topic<String, TaskLedger> ledger() {
        return ledger;
    }

    /** Compacted live settings (canary ramp, flags), keyed by setting name. */
    public Topic<String, Control> control() {
        return control;
    }

    /**
     * The shared response cache: persona answers keyed by cache key, compacted; expired and evicted entries are
     * removed with tombstones.
     */
    public Topic<String, CacheEntry> cache() {
        return cache;
    }

    /** Rejected records: original key and bytes, reason in {@link DeadLetters} headers. */
    public Topic<byte[], byte[]> dlq() {
        return dlq;
    }

    /**
     * Where the persona share groups put requests that ran out of deliveries (Kafka 4.4's share-group dead-letter
     * topics, KIP-1191): copies of the original request records, with the broker's {@code __dlq.errors.*}
     * headers. Named {@code dlq.<prefix>persona.dlq}, as brokers require the {@code dlq.} prefix by default.
     * Workers turn each into an {@code unserved} result so the orchestrator asks again. Not in {@link #all}:
     * older brokers refuse its topic config, and the workers create it when the broker supports it.
     */
    public Topic<String, PersonaRequest> personaDeadLetters() {
        return personaDeadLetters;
    }

    /** Every topic the service needs, with one request topic per persona given. */
    public List<Topic<?, ?>> all(Collection<String> personas) {
        List<Topic<?, ?>> all =
                new ArrayList<>(List.of(tasks, personaResults, tokens, results, ledger, control, cache, dlq));
        personas.stream().distinct().map(this::persona).forEach(all::add);
        return List.copyOf(all);
    }

    /** The topic name prefix, e.g. {@code dialectic.}. */
    public String prefix() {
        return prefix;
    }

    /** The schema registry client behind every Avro serde of these topics. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    private <V extends SpecificRecord> Topic<String, V> topic(
            String suffix, Class<V> type, int topicPartitions, Map<String, String> configs) {
        return new Topic<>(prefix + suffix, Serdes.String(), AvroSerde.specific(type, registry, false), topicPartitions,
                replicationFactor, configs);
    }

    /** Builds {@link Topics}. */
    public static final class Builder {
        private String prefix = DEFAULT_PREFIX;
        private int partitions = DEFAULT_PARTITIONS;
        private Optional<Short> replicationFactor = Optional.empty();
        private SchemaRegistryClient registry;

        private Builder() {}

        /** Prefix of every topic name, e.g. {@code dialectic.} or {@code team-a.dialectic.}. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Partitions of every topic but {@code control}. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Replication factor to create topics with; unset means the broker's default. */
        public Builder replicationFactor(short replicationFactor) {
            this.replicationFactor = Optional.of(replicationFactor);
            return this;
        }

        /** The schema registry every Avro serde registers with and reads from. */
        public Builder registry(SchemaRegistryClient registry) {
            this.registry = registry;
            return this;
        }

        public Topics build() {
            return new Topics(this);
        }
    }
}
