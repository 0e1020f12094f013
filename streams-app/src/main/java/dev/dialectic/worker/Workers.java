package dev.dialectic.worker;

import dev.dialectic.canary.ControlSettings;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All persona workers of one process, sharing one idempotent producer.
 *
 * <p>On start it sets the share-group configs every persona group needs: {@code earliest} (requests written
 * before the first worker joined must not be skipped), and the isolation level, lock duration and delivery limit
 * as configured ({@code read_committed} unless configured otherwise; the service configures
 * {@code read_uncommitted}, see {@code worker.share.isolation.level}). On brokers that have share-group dead-letter topics (Kafka 4.4,
 * KIP-1191), requests that run out of deliveries are copied to {@code Topics#personaDeadLetters()}, and an
 * {@link UnservedRequests} forwarder tells the orchestrator to ask again; elsewhere only the orchestrator's
 * attempt timeout catches them.
 */
public final class Workers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Workers.class);
    /** Share-group configs of Kafka 4.4's dead-letter topics (KIP-1191). */
    private static final String DEAD_LETTER_TOPIC_CONFIG = "errors.deadletterqueue.topic.name";
    private static final String DEAD_LETTER_COPY_CONFIG = "errors.deadletterqueue.copy.record.enable";

    private final Producer<byte[], byte[]> producer;
    private final AnsweredRequests answered;
    private final List<PersonaWorker> workers = new ArrayList<>();
    private UnservedRequests unserved;

    private Workers(Producer<byte[], byte[]> producer, AnsweredRequests answered) {
        this.producer = producer;
        this.answered = answered;
    }

    /**
     * Starts one {@link PersonaWorker} per profile.
     *
     * @param clientConfig connection settings shared by the producer and consumers (bootstrap servers, security)
     * @param groupSettings share-group configs to apply to every persona's group, beyond the ones always set
     */
    public static Workers start(Collection<PersonaProfile> profiles, WorkerSettings settings, Topics topics,
            Map<String, Object> clientConfig, Map<String, String> groupSettings, Duration shutdownGrace) {
        return start(profiles, ControlSettings.BASELINE, settings, topics, clientConfig, groupSettings, shutdownGrace);
    }

    /**
     * Starts one {@link PersonaWorker} per profile, serving release variant {@code variant}: its persona topics, in
     * share groups of its own.
     */
    public static Workers start(Collection<PersonaProfile> profiles, String variant, WorkerSettings settings,
            Topics topics, Map<String, Object> clientConfig, Map<String, String> groupSettings,
            Duration shutdownGrace) {
        boolean deadLetters;
        try (Admin admin = Admin.create(clientConfig)) {
            deadLetters = configureGroups(admin, topics,
                    profiles.stream().map(PersonaProfile::persona).toList(), variant, groupSettings);
        }
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-producer");
        Workers workers = new Workers(new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer()), new AnsweredRequests(clientConfig, topics, settings.workerId()));
        WorkerOutput output = new WorkerOutput(workers.producer, topics);
        if (deadLetters) {
            workers.unserved = new UnservedRequests(clientConfig, topics.personaDeadLetters(),
                    topics.prefix() + "worker.unserved-requests", output, settings.workerId());
            workers.unserved.start();
        }
        for (PersonaProfile profile : profiles) {
            PersonaWorker worker = new PersonaWorker(profile, variant, settings, topics, output, workers.answered,
                    clientConfig, PersonaWorker::kafkaConsumer, shutdownGrace);
            worker.start();
            workers.workers.add(worker);
        }
        return workers;
    }

    /** The running persona workers. */
    public List<PersonaWorker> workers() {
        return List.copyOf(workers);
    }

    /**
     * Sets the share-group configs of the groups serving {@code personas} (see the class description), with
     * dead letters where the brokers support them.
     *
     * @param groupSettings share-group configs to apply beyond the ones always set
     * @return whether requests that run out of deliveries go to {@code topics.personaDeadLetters()}
     * @throws IllegalStateException with a one-line reason if the broker refuses a config
     */
    public static boolean configureGroups(Admin admin, Topics topics, Collection<String> personas,
            Map<String, String> groupSettings) {
        return configureGroups(admin, topics, personas, ControlSettings.BASELINE, groupSettings);
    }

    /**
     * As {@link #configureGroups(Admin, Topics, Collection, Map)}, for the share groups of release variant
     * {@code variant}.
     */
    public static boolean configureGroups(Admin admin, Topics topics, Collection<String> personas, String variant,
            Map<String, String> groupSettings) {
        boolean deadLetters = ensureDeadLetterTopic(admin, topics.personaDeadLetters());
        for (String persona : personas) {
            String groupId = PersonaWorker.groupId(topics, persona, variant);
            if (deadLetters) {
                Map<String, String> withDeadLetters = new HashMap<>(groupSettings);
                withDeadLetters.put(DEAD_LETTER_TOPIC_CONFIG, topics.personaDeadLetters().name());
                withDeadLetters.put(DEAD_LETTER_COPY_CONFIG, "true");
                try {
                    configureGroup(admin, groupId, withDeadLetters);
                    continue;
                } catch (IllegalStateException e) {
                    log.warn("share-group dead letters are off: {}; requests that run out of deliveries are asked"
                            + " for again after orchestrator.stage.attempt.timeout.ms only", e.getMessage());
                    deadLetters = false;
                }
            }
            configureGroup(admin, groupId, groupSettings);
        }
        return deadLetters;
    }

    /**
     * Creates the share groups' dead-letter topic unless it exists. False, with a warning, where the brokers
     * cannot have one (before Kafka 4.4, or a cluster that requires another name prefix).
     */
    private static boolean ensureDeadLetterTopic(Admin admin, Topic<?, ?> topic) {
        try {
            admin.createTopics(List.of(topic.newTopic())).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true;
            }
            log.warn("share-group dead letters are off: could not create {} ({}); requests that run out of deliveries"
                    + " are asked for again after orchestrator.stage.attempt.timeout.ms only", topic.name(),
                    e.getCause().getMessage());
            return false;
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not create " + topic.name() + ": the broker did not answer within"
                    + " 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic.name(), e);
        }
    }

    private static void configureGroup(Admin admin, String groupId, Map<String, String> extra) {
        Map<String, String> configs = new HashMap<>();
        configs.put("share.isolation.level", "read_committed");
        configs.put("share.auto.offset.reset", "earliest");
        configs.putAll(extra);
        List<AlterConfigOp> ops = configs.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        try {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, groupId), ops))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not configure share group " + groupId + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not configure share group " + groupId + ": the broker did not answer"
                    + " within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring share group " + groupId, e);
        }
    }

    /** Stops every worker gracefully (see {@link PersonaWorker#close()}), then flushes and closes the producer. */
    @Override
    public void close() {
        List<Thread> closing = workers.stream().map(w -> Thread.ofPlatform().start(w::close)).toList();
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (unserved != null) {
            unserved.close();
        }
        producer.close(Duration.ofSeconds(10));
        answered.close();
        workers.stream().map(PersonaWorker::provider).distinct().forEach(LlmProvider::close);
    }
}
