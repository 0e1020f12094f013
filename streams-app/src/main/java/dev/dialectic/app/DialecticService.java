package dev.dialectic.app;

import dev.dialectic.api.ApiServer;
import dev.dialectic.api.ApiSettings;
import dev.dialectic.cache.CachePolicy;
import dev.dialectic.cache.CacheStats;
import dev.dialectic.cache.CacheStore;
import dev.dialectic.cache.SharedCache;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.canary.live.CanaryDecider;
import dev.dialectic.canary.live.ControlReader;
import dev.dialectic.metrics.CacheMeters;
import dev.dialectic.metrics.CanaryMeters;
import dev.dialectic.metrics.DialecticMetrics;
import dev.dialectic.metrics.WorkerMeters;
import dev.dialectic.orchestrator.OrchestratorSettings;
import dev.dialectic.orchestrator.OrchestratorTopology;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryException;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.tasks.TaskRules;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import dev.dialectic.worker.PersonaProfile;
import dev.dialectic.worker.PersonaWorker;
import dev.dialectic.worker.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: topics ensured, the orchestrator (Kafka Streams) and/or the persona workers, as the
 * configured roles say. Closing it stops the workers gracefully, then the orchestrator.
 */
public final class DialecticService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DialecticService.class);
    private static final Duration REACH_TIMEOUT = Duration.ofSeconds(15);
    /** Longest the orchestrator waits at start to read the canary's settings in force from {@code control}. */
    private static final Duration CONTROL_CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final SchemaRegistryClient registry;
    private final KafkaStreams orchestrator;
    private final Workers workers;
    private final ApiServer api;
    private final DialecticMetrics metrics;
    private final SharedCache cache;
    private final ControlReader control;
    private final CanaryDecider decider;

    private DialecticService(SchemaRegistryClient registry, KafkaStreams orchestrator, Workers workers, ApiServer api,
            DialecticMetrics metrics, SharedCache cache, ControlReader control, CanaryDecider decider) {
        this.registry = registry;
        this.cache = cache;
        this.orchestrator = orchestrator;
        this.workers = workers;
        this.api = api;
        this.metrics = metrics;
        this.control = control;
        this.decider = decider;
    }

    /** Starts what {@code config} asks for; returns once everything is started (not necessarily RUNNING). */
    public static DialecticService start(DialecticConfig config) {
        PipelineSpec spec = config.pipelineSpec(); // first: a spec that cannot work stops the start before any I/O
        String variant = config.getString(DialecticConfig.WORKER_VARIANT);
        PipelineSpec workerSpec = releaseSpec(spec, variant);
        List<String> served = config.personas(workerSpec);
        SchemaRegistryClient registry = registryClient(config);
        Topics topics = topics(config, registry);
        Set<String> personas = new LinkedHashSet<>(spec.requestedPersonas());
        if (ControlSettings.BASELINE.equals(variant)) {
            personas.addAll(served);
        }
        List<Topic<?, ?>> all = new ArrayList<>(topics.all(personas));
        for (String release : spec.releases().keySet()) { // every variant's requests have topics before a canary starts
            Set<String> releasePersonas = new LinkedHashSet<>(spec.forRelease(release).requestedPersonas());
            if (release.equals(variant)) {
                releasePersonas.addAll(served);
            }
            releasePersonas.forEach(persona -> all.add(topics.persona(persona, release)));
        }
        List<Topic<?, ?>> joined = new ArrayList<>(List.of(topics.tasks(), topics.personaResults()));
        try (Admin admin = Admin.create(config.clientConfig())) {
            checkReachable(admin, registry, config);
            TopicProvisioner.ensure(admin, all, joined);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }

        KafkaStreams streams = null;
        Workers workers = null;
        ControlReader control = null;
        ControlRules canaryRules = null;
        CanaryDecider decider = null;
        ApiSettings apiSettings = config.apiSettings();
        // The API binds first: Kafka Streams must be told its address to route interactive queries.
        DialecticMetrics metrics = apiSettings.enabled() ? new DialecticMetrics() : null;
        ApiServer api = null;
        SharedCache cache = null;
        try {
            Properties streamsConfig = streamsConfig(config);
            if (metrics != null) {
                api = ApiServer.start(apiSettings, metrics);
                HostInfo self = api.advertised();
                streamsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
            }
            if (config.runs(DialecticConfig.ROLE_ORCHESTRATOR)) {
                CachePolicy cachePolicy = config.cachePolicy(spec);
                if (cachePolicy.enabled()) {
                    cache = SharedCache.start(topics.cache(), cachePolicy, new CacheStats(), config.clientConfig());
                    Duration load = Duration.ofMillis(config.getLong(DialecticConfig.CACHE_LOAD_TIMEOUT_MS));
                    if (!cache.awaitLoaded(load)) {
                        log.warn("the response cache was not loaded within {}; tasks miss it until it is", load);
                    }
                }
                canaryRules = new ControlRules(spec.releases().keySet(), topics.tasks().partitions());
                control = ControlReader.start(config.clientConfig(), topics, canaryRules, CONTROL_CATCH_UP_TIMEOUT);
                decider = CanaryDecider.start(config.clientConfig(), topics, canaryRules, config.rollbackRule(),
                        Duration.ofMillis(config.getLong(DialecticConfig.CANARY_CHECK_INTERVAL_MS)), control,
                        config.workerSettings().workerId());
                streams = new KafkaStreams(OrchestratorTopology.build(topics, config.orchestratorSettings(), spec,
                        release -> config.cachePolicy(spec.forRelease(release)),
                        cache == null ? CacheStore.NONE : cache, control), streamsConfig);
                streams.setUncaughtExceptionHandler(e -> {
                    log.error("orchestrator stream thread failed; replacing it (state is restored from changelogs)", e);
                    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
                });
                streams.start();
            }
            if (config.runs(DialecticConfig.ROLE_WORKERS)) {
                ModelsConfig models = new ModelsConfig(config, workerSpec);
                List<PersonaProfile> profiles = served.stream().map(models::profile).toList();
                workers = Workers.start(profiles, variant, config.workerSettings(), topics, config.clientConfig(),
                        config.shareGroupSettings(),
                        Duration.ofMillis(config.getLong(DialecticConfig.WORKER_SHUTDOWN_GRACE_MS)));
            }
            if (api != null) {
                Map<String, String> workerGroups = new LinkedHashMap<>();
                if (streams != null) {
                    metrics.bind(streams);
                }
                if (cache != null) {
                    CacheMeters.bind(cache, metrics.registry());
                }
                if (control != null) {
                    CanaryMeters.bind(control, canaryRules.partitionCount(), metrics.registry());
                }
                if (workers != null) {
                    WorkerMeters.bind(workers, metrics.registry());
                    String workerId = config.workerSettings().workerId();
                    served.forEach(persona -> workerGroups.put(PersonaWorker.groupId(topics, persona, variant),
                            PersonaWorker.clientIdPrefix(workerId, persona)));
                }
                OrchestratorSettings orchestrator = config.orchestratorSettings();
                api.attach(topics, new TaskRules(orchestrator.maxGoalChars(), orchestrator.maxContextChars()),
                        config.clientConfig(), streams, workerGroups, registry, control, canaryRules);
            }
        } catch (RuntimeException e) {
            // What started so far stops the way a running service does.
            new DialecticService(registry, streams, workers, api, metrics, cache, control, decider).close();
            throw e;
        }
        return new DialecticService(registry, streams, workers, api, metrics, cache, control, decider);
    }

    /** The spec that a worker of release variant {@code variant} serves. */
    private static PipelineSpec releaseSpec(PipelineSpec spec, String variant) {
        try {
            return spec.forRelease(variant);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(DialecticConfig.WORKER_VARIANT + ": " + e.getMessage());
        }
    }

    /** Fails fast, in one line, when the broker or the registry cannot be reached (instead of timing out later). */
    private static void checkReachable(Admin admin, SchemaRegistryClient registry, DialecticConfig config) {
        String bootstrap = String.join(",", config.getList(DialecticConfig.BOOTSTRAP_SERVERS));
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) REACH_TIMEOUT.toMillis()))
                    .clusterId().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " (" + e.getCause().getMessage()
                    + "); start the local stack with ./dialectic stack, or pass --bootstrap-servers", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Kafka", e);
        }
        try {
            registry.subjects();
        } catch (SchemaRegistryException e) {
            throw new IllegalStateException("cannot use the schema registry at "
                    + config.getString(DialecticConfig.SCHEMA_REGISTRY_URL) + ": " + e.getMessage()
                    + "; pass --registry-url", e);
        }
    }

    /** The orchestrator's Kafka Streams instance, if this process runs it. */
    public KafkaStreams orchestrator() {
        return orchestrator;
    }

    /** The response cache, if this process runs the orchestrator with the cache on. */
    public SharedCache cache() {
        return cache;
    }

    /** The canary's settings in force, read from {@code control}, if this process runs the orchestrator. */
    public ControlReader canary() {
        return control;
    }

    /** The canary's decision-maker of this process (deciding or standing by), if it runs the orchestrator. */
    public CanaryDecider canaryDecider() {
        return decider;
    }

    /** The HTTP API, if this process serves it. */
    public ApiServer api() {
        return api;
    }

    /** The workers, if this process runs them. */
    public Workers workers() {
        return workers;
    }

    /** The topics as {@code config} names them. */
    public static Topics topics(DialecticConfig config, SchemaRegistryClient registry) {
        Topics.Builder builder = Topics.builder()
                .prefix(config.getString(DialecticConfig.TOPIC_PREFIX))
                .partitions(config.getInt(DialecticConfig.TOPIC_PARTITIONS))
                .registry(registry);
        short replication = config.getShort(DialecticConfig.TOPIC_REPLICATION_FACTOR);
        if (replication > 0) {
            builder.replicationFactor(replication);
        }
        return builder.build();
    }

    /** A registry client for {@code config}'s registry URL and credentials. */
    public static SchemaRegistryClient registryClient(DialecticConfig config) {
        RestSchemaRegistryClient.Builder builder =
                RestSchemaRegistryClient.builder(config.getString(DialecticConfig.SCHEMA_REGISTRY_URL));
        if (config.registryUserInfo() != null) {
            builder.basicAuth(config.registryUserInfo());
        }
        if (config.registryBearerToken() != null) {
            builder.bearerToken(config.registryBearerToken());
        }
        return builder.build();
    }

    static Properties streamsConfig(DialecticConfig config) {
        Properties props = new Properties();
        props.putAll(config.clientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(DialecticConfig.ORCHESTRATOR_STATE_DIR));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(DialecticConfig.ORCHESTRATOR_THREADS));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getLong(DialecticConfig.ORCHESTRATOR_COMMIT_INTERVAL_MS));
        short replication = config.getShort(DialecticConfig.TOPIC_REPLICATION_FACTOR);
        if (replication > 0) {
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication);
        }
        props.put("processing.exception.handler.global.enabled", true); // the 5.0 default, without the warning
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        // Tasks and results need no time alignment across partitions: process whatever has arrived.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        props.putAll(config.originalsWithPrefix(DialecticConfig.STREAMS_PREFIX));
        return props;
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (orchestrator != null) {
            orchestrator.close(Duration.ofSeconds(30));
        }
        if (cache != null) {
            cache.close();
        }
        if (decider != null) {
            decider.close();
        }
        if (control != null) {
            control.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        registry.close();
    }
}
