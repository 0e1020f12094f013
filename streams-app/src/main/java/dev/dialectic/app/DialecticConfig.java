package dev.dialectic.app;

import dev.dialectic.api.ApiKeys;
import dev.dialectic.api.ApiSettings;
import dev.dialectic.cache.CachePolicy;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.canary.RollbackRule;
import dev.dialectic.canary.live.CanaryDecider;
import dev.dialectic.llm.simulated.SimulatedProfile;
import dev.dialectic.orchestrator.OrchestratorSettings;
import dev.dialectic.spec.PersonaSettings;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecException;
import dev.dialectic.spec.SpecLoader;
import dev.dialectic.tasks.Mode;
import dev.dialectic.topics.Topics;
import dev.dialectic.worker.RetryPolicy;
import dev.dialectic.worker.WorkerSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the Dialectic service, in the style of {@code StreamsConfig}: every key is a constant with
 * a doc string, typed and validated by a {@link ConfigDef}.
 *
 * <p>Besides the keys defined here, three prefixes pass settings through: {@code kafka.} to every Kafka client
 * (security, SASL, ...), {@code streams.} to the orchestrator's Kafka Streams, {@code persona.<name>.} overrides
 * the settings of the pipeline spec's personas (see {@link PersonaSettings}), and {@code simulated.<name>.} sets
 * the simulated model's timings and error rate per persona.
 */
public final class DialecticConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String SCHEMA_REGISTRY_BEARER_TOKEN = "schema.registry.bearer.auth.token";
    public static final String TOPIC_PREFIX = "topic.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String ROLES = "roles";
    public static final String ROLE_ORCHESTRATOR = "orchestrator";
    public static final String ROLE_WORKERS = "workers";

    public static final String ORCHESTRATOR_APPLICATION_ID = "orchestrator.application.id";
    public static final String ORCHESTRATOR_STATE_DIR = "orchestrator.state.dir";
    public static final String ORCHESTRATOR_STORES = "orchestrator.stores";
    public static final String ORCHESTRATOR_THREADS = "orchestrator.threads";
    public static final String ORCHESTRATOR_COMMIT_INTERVAL_MS = "orchestrator.commit.interval.ms";
    public static final String ORCHESTRATOR_TIMER_INTERVAL_MS = "orchestrator.timer.interval.ms";
    public static final String ORCHESTRATOR_STAGE_ATTEMPT_TIMEOUT_MS = "orchestrator.stage.attempt.timeout.ms";
    public static final String ORCHESTRATOR_STAGE_MAX_ATTEMPTS = "orchestrator.stage.max.attempts";
    public static final String PIPELINE_SPEC = "pipeline.spec";
    public static final String TASK_DEFAULT_MODE = "task.default.mode";
    public static final String TASK_TIMEOUT_MS = "task.timeout.ms";
    public static final String TASK_GOAL_MAX_CHARS = "task.goal.max.chars";
    public static final String TASK_CONTEXT_MAX_CHARS = "task.context.max.chars";
    public static final String TASK_RETENTION_MS = "task.retention.ms";
    public static final String CACHE_ENABLED = "cache.enabled";
    public static final String CACHE_LOAD_TIMEOUT_MS = "cache.load.timeout.ms";
    /** Default of {@link #CACHE_LOAD_TIMEOUT_MS}. */
    public static final Duration DEFAULT_CACHE_LOAD_TIMEOUT = Duration.ofSeconds(10);

    public static final String CANARY_WINDOW_MS = "canary.window.ms";
    public static final String CANARY_ROLLBACK_MIN_TASKS = "canary.rollback.min.tasks";
    public static final String CANARY_ROLLBACK_MAX_ERROR_RATE = "canary.rollback.max.error.rate";
    public static final String CANARY_ROLLBACK_MAX_FALLBACK_RATE = "canary.rollback.max.fallback.rate";
    public static final String CANARY_CHECK_INTERVAL_MS = "canary.check.interval.ms";

    public static final String WORKER_ID = "worker.id";
    public static final String WORKER_VARIANT = "worker.variant";
    public static final String WORKER_PERSONAS = "worker.personas";
    public static final String WORKER_MAX_IN_FLIGHT = "worker.max.in.flight";
    public static final String WORKER_CONSUMERS = "worker.consumers";
    public static final String WORKER_CALL_TIMEOUT_MS = "worker.call.timeout.ms";
    public static final String WORKER_RETRY_MAX_ATTEMPTS = "worker.retry.max.attempts";
    public static final String WORKER_RETRY_INITIAL_BACKOFF_MS = "worker.retry.initial.backoff.ms";
    public static final String WORKER_RETRY_MAX_BACKOFF_MS = "worker.retry.max.backoff.ms";
    public static final String WORKER_TOKENS_ENABLED = "worker.tokens.enabled";
    public static final String WORKER_TOKENS_MAX_BATCH = "worker.tokens.max.batch";
    public static final String WORKER_TOKENS_MAX_DELAY_MS = "worker.tokens.max.delay.ms";
    public static final String WORKER_SHUTDOWN_GRACE_MS = "worker.shutdown.grace.ms";
    public static final String WORKER_SHARE_LOCK_DURATION_MS = "worker.share.record.lock.duration.ms";
    public static final String WORKER_SHARE_DELIVERY_COUNT_LIMIT = "worker.share.delivery.count.limit";
    public static final String WORKER_SHARE_RECORD_LOCKS = "worker.share.partition.max.record.locks";
    public static final String WORKER_SHARE_ISOLATION_LEVEL = "worker.share.isolation.level";
    /**
     * Default of {@link #WORKER_SHARE_ISOLATION_LEVEL}: workers start a request as soon as the orchestrator
     * writes it, without waiting for its transaction to commit (one commit interval less per request hop).
     */
    public static final String DEFAULT_WORKER_SHARE_ISOLATION_LEVEL = "read_uncommitted";

    public static final String LLM_PROVIDER = "llm.provider";
    public static final String SIMULATED_SPEED_FACTOR = "simulated.speed.factor";
    public static final String SIMULATED_ERROR_RATE = "simulated.error.rate";
    public static final String SIMULATED_TIMEOUT_RATE = "simulated.timeout.rate";
    public static final String SIMULATED_JITTER = "simulated.jitter";

    public static final String API_PORT = "api.port";
    public static final String API_HOST = "api.host";
    public static final String API_ADVERTISED_HOST = "api.advertised.host";
    public static final String API_KEYS = "api.keys";
    public static final String API_KEYS_FILE = "api.keys.file";
    public static final String API_MAX_BODY_BYTES = "api.max.body.bytes";
    public static final String API_AUTH_READS = "api.auth.reads";
    public static final String API_HISTORY_TASKS = "api.history.tasks";
    public static final String API_HISTORY_WINDOW_MS = "api.history.window.ms";

    /** Prefix of settings passed to every Kafka client. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of settings passed to Kafka Streams. */
    public static final String STREAMS_PREFIX = "streams.";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.LIST, "localhost:9092", Importance.HIGH,
                    "Kafka brokers to connect to, host:port, comma separated.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://127.0.0.1:8081/apis/ccompat/v7", Importance.HIGH,
                    "Base URL of a Confluent-compatible schema registry (Confluent, Apicurio's /apis/ccompat/v7, Karapace,"
                            + " Redpanda).")
            .define(SCHEMA_REGISTRY_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for the registry's basic auth, if it needs it.")
            .define(SCHEMA_REGISTRY_BEARER_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                    "Bearer token for the registry, if it needs one.")
            .define(TOPIC_PREFIX, Type.STRING, Topics.DEFAULT_PREFIX, Importance.HIGH,
                    "Prefix of every topic name (and of the share groups and the Streams application id).")
            .define(TOPIC_PARTITIONS, Type.INT, Topics.DEFAULT_PARTITIONS, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of the topics the service creates. Tasks, persona results and requests must agree.")
            .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.MEDIUM,
                    "Replication factor of the topics the service creates; -1 uses the broker's default.")
            .define(ROLES, Type.LIST, List.of(ROLE_ORCHESTRATOR, ROLE_WORKERS),
                    ConfigDef.ValidList.in(ROLE_ORCHESTRATOR, ROLE_WORKERS), Importance.HIGH,
                    "What this process runs: the orchestrator, the workers, or both. Scale workers by starting more"
                            + " processes with roles=workers.")
            .define(ORCHESTRATOR_APPLICATION_ID, Type.STRING, null, Importance.MEDIUM,
                    "Kafka Streams application id; defaults to <topic.prefix>orchestrator.")
            .define(ORCHESTRATOR_STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/dialectic-streams",
                    Importance.MEDIUM, "Where the orchestrator keeps its local state (rebuilt from changelogs if lost).")
            .define(ORCHESTRATOR_STORES, Type.STRING, "rocksdb", ValidString.in("rocksdb", "memory"), Importance.LOW,
                    "Store kind for task state: rocksdb (bounded memory) or memory (faster, all state on heap). Both are"
                            + " changelogged.")
            .define(ORCHESTRATOR_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Kafka Streams threads of the orchestrator.")
            .define(ORCHESTRATOR_COMMIT_INTERVAL_MS, Type.LONG, 30L, Range.atLeast(1), Importance.MEDIUM,
                    "Exactly-once commit interval: outputs become visible to read_committed readers at commits, so each"
                            + " of a task's three orchestrator hops waits about half of it plus the commit. Kafka Streams'"
                            + " default is 100; smaller costs more transactions (CPU on the service and the broker).")
            .define(ORCHESTRATOR_TIMER_INTERVAL_MS, Type.LONG, 500L, Range.atLeast(10), Importance.LOW,
                    "How often deadlines and retention are checked.")
            .define(ORCHESTRATOR_STAGE_ATTEMPT_TIMEOUT_MS, Type.LONG,
                    OrchestratorSettings.DEFAULT_STAGE_ATTEMPT_TIMEOUT.toMillis(), Range.atLeast(1), Importance.LOW,
                    "How long a stage's request may go unanswered before the orchestrator asks again with a new"
                            + " attempt (recorded in the ledger's reRequests). An answer to an earlier attempt still"
                            + " counts if it comes first. Requests the share group archives after their delivery"
                            + " limit are asked again at once, without waiting for this.")
            .define(ORCHESTRATOR_STAGE_MAX_ATTEMPTS, Type.INT, OrchestratorSettings.DEFAULT_STAGE_MAX_ATTEMPTS,
                    Range.atLeast(1), Importance.LOW,
                    "Requests the orchestrator issues for one stage at most, the first included; a stage still"
                            + " unanswered after them fails.")
            .define(PIPELINE_SPEC, Type.STRING, "", Importance.HIGH,
                    "The pipeline spec (a YAML file of personas, stages and policies); empty for the built-in dialectic"
                            + " spec. dialectic app --spec FILE sets it, --print-spec prints the spec in force.")
            .define(TASK_DEFAULT_MODE, Type.STRING, Mode.PARALLEL.wireName(), ValidString.in(Mode.PARALLEL.wireName(),
                    Mode.SEQUENTIAL.wireName(), Mode.ADAPTIVE.wireName()), Importance.MEDIUM,
                    "Mode of tasks that name none; adaptive picks parallel or sequential by the task's complexity.")
            .define(TASK_TIMEOUT_MS, Type.LONG, Duration.ofMinutes(5).toMillis(), Range.atLeast(1), Importance.MEDIUM,
                    "How long a task may run from acceptance when it names no timeout; then it ends with a failure.")
            .define(TASK_GOAL_MAX_CHARS, Type.INT, 8_000, Range.atLeast(1), Importance.MEDIUM,
                    "Longest goal accepted; longer tasks go to the dlq.")
            .define(TASK_CONTEXT_MAX_CHARS, Type.INT, 64_000, Range.atLeast(0), Importance.LOW,
                    "Longest context accepted; longer tasks go to the dlq.")
            .define(TASK_RETENTION_MS, Type.LONG, Duration.ofHours(24).toMillis(), Range.atLeast(1), Importance.LOW,
                    "How long a finished task is remembered: re-submitting its id within this time is ignored, and"
                            + " GET /v1/tasks/{id} serves its result and ledger.")
            .define(CANARY_WINDOW_MS, Type.LONG, RollbackRule.DEFAULT_WINDOW.toMillis(), Range.atLeast(1),
                    Importance.MEDIUM, "How far back the canary's decision-maker counts finished tasks (from the"
                            + " ledger) when it judges the canary against baseline; only tasks accepted since the"
                            + " canary's variant was last set count.")
            .define(CANARY_ROLLBACK_MIN_TASKS, Type.INT, RollbackRule.DEFAULT_MIN_TASKS, Range.atLeast(1),
                    Importance.MEDIUM, "Finished canary tasks within the window before the canary is judged at all.")
            .define(CANARY_ROLLBACK_MAX_ERROR_RATE, Type.DOUBLE, RollbackRule.DEFAULT_MAX_ERROR_RATE,
                    Range.between(0, 1), Importance.MEDIUM, "Share of canary tasks ending FAILED or PARTIAL above which"
                            + " the canary is rolled back (canary.percent=0, updatedBy=" + ControlSettings.AUTO_ROLLBACK
                            + ").")
            .define(CANARY_ROLLBACK_MAX_FALLBACK_RATE, Type.DOUBLE, RollbackRule.DEFAULT_MAX_FALLBACK_RATE,
                    Range.between(0, 1), Importance.MEDIUM,
                    "Share of canary tasks falling back to the sequential chain above which the canary is rolled back.")
            .define(CANARY_CHECK_INTERVAL_MS, Type.LONG, CanaryDecider.DEFAULT_CHECK_INTERVAL.toMillis(),
                    Range.atLeast(10), Importance.LOW,
                    "How often the decision-maker judges a live canary and its ramp.")
            .define(CACHE_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether the orchestrator answers stages from the shared response cache (the compacted cache"
                            + " topic) and keeps new answers there; persona.<name>.cache.enabled, .cache.ttl.ms and"
                            + " .cache.max.entries set it per persona, and a task with the attribute cache=off"
                            + " bypasses it.")
            .define(CACHE_LOAD_TIMEOUT_MS, Type.LONG, DEFAULT_CACHE_LOAD_TIMEOUT.toMillis(), Range.atLeast(0),
                    Importance.LOW, "How long an orchestrator's start waits for the cache topic to be loaded; a cache"
                            + " not loaded by then fills while tasks run (they miss until it has).")
            .define(WORKER_ID, Type.STRING, null, Importance.LOW,
                    "Name of this worker process in results; defaults to <host>-<pid>.")
            .define(WORKER_VARIANT, Type.STRING, ControlSettings.BASELINE, Importance.MEDIUM,
                    "Release variant this process's workers serve (one of the spec's releases, or baseline): they read"
                            + " persona.<name>.<variant> in share groups of their own, with the variant's persona"
                            + " settings, so a new worker build can be canaried as well as a new prompt or model.")
            .define(WORKER_PERSONAS, Type.LIST, List.of(), Importance.MEDIUM,
                    "Personas this process serves; empty for every persona the pipeline spec sends requests to.")
            .define(WORKER_MAX_IN_FLIGHT, Type.INT, 512, Range.atLeast(1), Importance.HIGH,
                    "Most model calls in flight per persona in this process; at the limit the worker stops fetching."
                            + " Per-model limits (persona.<name>.max.concurrency, rate limits) apply within it.")
            .define(WORKER_CONSUMERS, Type.INT, 64, Range.atLeast(1), Importance.MEDIUM,
                    "Share consumers per persona in this process; each holds up to max.in.flight/consumers requests."
                            + " A share consumer fetches again only once its whole batch is acknowledged; while every"
                            + " consumer holds a batch with a call still running, one at a time renews its locks early"
                            + " to fetch more (every 250 ms at most). More consumers fetch in smaller batches, at the"
                            + " cost of two threads and a connection each.")
            .define(WORKER_CALL_TIMEOUT_MS, Type.LONG, Duration.ofMinutes(2).toMillis(), Range.atLeast(1),
                    Importance.MEDIUM, "Longest one model call may take before it is cancelled and retried.")
            .define(WORKER_RETRY_MAX_ATTEMPTS, Type.INT, RetryPolicy.defaults().maxAttempts(), Range.atLeast(1),
                    Importance.MEDIUM, "Model calls per request at most, retries included.")
            .define(WORKER_RETRY_INITIAL_BACKOFF_MS, Type.LONG, RetryPolicy.defaults().initialBackoff().toMillis(),
                    Range.atLeast(0), Importance.LOW, "Backoff ceiling before the first retry; doubles per retry, jittered.")
            .define(WORKER_RETRY_MAX_BACKOFF_MS, Type.LONG, RetryPolicy.defaults().maxBackoff().toMillis(),
                    Range.atLeast(0), Importance.LOW, "Backoff ceiling, also for a provider's Retry-After.")
            .define(WORKER_TOKENS_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                    "Publish streamed tokens to the tokens topic.")
            .define(WORKER_TOKENS_MAX_BATCH, Type.INT, 32, Range.atLeast(1), Importance.LOW, "Tokens per chunk at most.")
            .define(WORKER_TOKENS_MAX_DELAY_MS, Type.LONG, 100L, Range.atLeast(0), Importance.LOW,
                    "Longest a streamed token waits for its chunk.")
            .define(WORKER_SHUTDOWN_GRACE_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                    "On shutdown, how long running calls may finish before their requests are released to other workers.")
            .define(WORKER_SHARE_LOCK_DURATION_MS, Type.INT, 15_000, Range.atLeast(1), Importance.LOW,
                    "share.record.lock.duration.ms of the persona share groups: a crashed worker's requests are"
                            + " redelivered after this, and a running call's lock is renewed every half of it. Kafka's"
                            + " default is 30 s; 15 s is the least brokers allow by default"
                            + " (group.share.min.record.lock.duration.ms); a broker with other bounds refuses the value"
                            + " at start, in one line, and this key sets another. Shorter also bounds a stall seen with"
                            + " Kafka 4.3: a share partition's start offset sometimes stays at a transaction marker until"
                            + " that offset's lock expires (see the README's Benchmarks).")
            .define(WORKER_SHARE_ISOLATION_LEVEL, Type.STRING, DEFAULT_WORKER_SHARE_ISOLATION_LEVEL,
                    ValidString.in("read_committed", "read_uncommitted"), Importance.LOW,
                    "share.isolation.level of the persona share groups. read_uncommitted (the default) lets a worker"
                            + " start a request as soon as the orchestrator writes it, one commit wait earlier per"
                            + " hop. It cannot break exactly one result per task: results are written only in the"
                            + " orchestrator's committed transactions, and a request of an aborted transaction is"
                            + " written again with the same task, stage and attempt when its input is processed"
                            + " again; the answer to either is the stage's answer, and any other is dropped as a"
                            + " duplicate (or as an answer for a task or stage not requested yet). An abort can cost"
                            + " a model call twice. read_committed starts only committed requests.")
            .define(WORKER_SHARE_RECORD_LOCKS, Type.INT, 4_000, Range.atLeast(1), Importance.LOW,
                    "share.partition.max.record.locks of the persona share groups: how far past its oldest"
                            + " unfinished offset a share partition hands out requests. Kafka's default is 2000; 4000 is"
                            + " the most brokers allow by default (group.share.max.partition.max.record.locks). More room"
                            + " means a request stuck at the front of a partition (see "
                            + WORKER_SHARE_LOCK_DURATION_MS + ") does not stop the requests behind it for longer.")
            .define(WORKER_SHARE_DELIVERY_COUNT_LIMIT, Type.INT, 10, Range.between(2, 10), Importance.LOW,
                    "share.delivery.count.limit of the persona share groups: after this many deliveries a request is"
                            + " archived and its task ends at its deadline. Kafka's default of 5 is spent quickly while"
                            + " workers join (each reassignment can release acquired requests), so the default here is"
                            + " the most brokers allow by default (group.share.max.delivery.count.limit, 10).")
            .define(LLM_PROVIDER, Type.STRING, "simulated", Importance.HIGH,
                    "Default provider of every persona: simulated (embedded), openai, llamacpp. persona.<name>.provider"
                            + " overrides it per persona.")
            .define(SIMULATED_SPEED_FACTOR, Type.DOUBLE, 1.0, Range.atLeast(0), Importance.MEDIUM,
                    "Simulated model timings relative to the reference (thesis 4.5 s, antithesis 10.8 s, synthesis 14.2 s):"
                            + " 1 is real time, 0.1 ten times faster, 0 instant.")
            .define(SIMULATED_ERROR_RATE, Type.DOUBLE, 0.0, Range.between(0, 1), Importance.LOW,
                    "Probability that a simulated call fails part-way with a retryable error;"
                            + " simulated.<persona>.error.rate sets it for one persona.")
            .define(SIMULATED_TIMEOUT_RATE, Type.DOUBLE, 0.0, Range.between(0, 1), Importance.LOW,
                    "Probability that a simulated call hangs until cancelled.")
            .define(SIMULATED_JITTER, Type.DOUBLE, 0.0, Range.between(0, 0.99), Importance.LOW,
                    "Fraction by which simulated timings vary at random.")
            .define(API_PORT, Type.INT, ApiSettings.DEFAULT_PORT, Range.between(ApiSettings.ANY_FREE_PORT, 65_535),
                    Importance.HIGH, "Port of the HTTP API, metrics, health checks and web view; " + ApiSettings.OFF
                            + " turns them off, " + ApiSettings.ANY_FREE_PORT + " takes any free port (several services"
                            + " on one host, tests).")
            .define(API_HOST, Type.STRING, ApiSettings.DEFAULT_HOST, Importance.HIGH,
                    "Address the HTTP API binds to; the default serves this machine only. Any other address needs"
                            + " API keys.")
            .define(API_ADVERTISED_HOST, Type.STRING, null, Importance.MEDIUM,
                    "Host other instances reach this one's API at, to forward task queries to the instance owning the"
                            + " task (Kafka Streams' application.server); defaults to " + API_HOST + ", or this"
                            + " machine's name when that is 0.0.0.0.")
            .define(API_KEYS, Type.PASSWORD, null, Importance.HIGH,
                    "API keys as KEY=TENANT,KEY=TENANT (KEY=TENANT:read for a key that may only read, KEY=TENANT:admin"
                            + " for one that may also change the canary's live settings); also taken from"
                            + " the environment variable DIALECTIC_API_KEYS and from " + API_KEYS_FILE + ". Each"
                            + " task is labelled with its key's tenant. Without any key the API serves only a loopback"
                            + " address, without authentication.")
            .define(API_KEYS_FILE, Type.STRING, null, Importance.MEDIUM,
                    "A file of API keys, KEY=TENANT per line (lines starting with # are skipped).")
            .define(API_MAX_BODY_BYTES, Type.LONG, ApiSettings.DEFAULT_MAX_BODY_BYTES, Range.atLeast(1), Importance.LOW,
                    "Largest request body the API accepts; larger ones are answered 413.")
            .define(API_AUTH_READS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether reads (task status, events, results) need an API key too; writes always do. Anonymous"
                            + " readers see every tenant's tasks.")
            .define(API_HISTORY_TASKS, Type.INT, ApiSettings.DEFAULT_HISTORY_TASKS, Range.atLeast(1), Importance.LOW,
                    "Recent tasks whose events and results the API keeps for clients that connect late, and lists.")
            .define(API_HISTORY_WINDOW_MS, Type.LONG, ApiSettings.DEFAULT_HISTORY_WINDOW.toMillis(), Range.atLeast(0),
                    Importance.LOW, "How far back the API reads the ledger, tokens and results when it starts.");

    public DialecticConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
    }

    /** The definition, for documentation (--help-config) and tests. */
    public static ConfigDef definition() {
        return DEFINITION;
    }

    /** Whether this process runs {@code role}. */
    public boolean runs(String role) {
        return getList(ROLES).contains(role);
    }

    /**
     * The simulated model's profile for {@code persona}: the reference timings times
     * {@value #SIMULATED_SPEED_FACTOR}, then {@code simulated.<persona>.latency.ms / ttft.ms /
     * tokens.per.second}, jitter and injected faults: {@code simulated.<persona>.error.rate} when set, else
     * {@value #SIMULATED_ERROR_RATE}, and {@value #SIMULATED_TIMEOUT_RATE}.
     *
     * @throws ConfigException when a {@code simulated.<persona>.*} value is not valid
     */
    public SimulatedProfile simulatedProfile(String persona) {
        Map<String, Object> own = originalsWithPrefix("simulated." + persona + ".");
        SimulatedProfile profile = SimulatedProfile.reference(persona,
                getDouble(DialecticConfig.SIMULATED_SPEED_FACTOR));
        try {
            if (own.containsKey("latency.ms")) {
                profile = profile.withLatency(Duration.ofMillis(Long.parseLong(own.get("latency.ms").toString())));
            }
            if (own.containsKey("ttft.ms")) {
                profile = profile.withTimeToFirstToken(Duration.ofMillis(Long.parseLong(own.get("ttft.ms").toString())));
            }
            if (own.containsKey("tokens.per.second")) {
                profile = profile.withTokensPerSecond(Double.parseDouble(own.get("tokens.per.second").toString()));
            }
            double errorRate = own.containsKey("error.rate") ? Double.parseDouble(own.get("error.rate").toString())
                    : getDouble(DialecticConfig.SIMULATED_ERROR_RATE);
            return profile.withJitter(getDouble(DialecticConfig.SIMULATED_JITTER))
                    .withFaults(errorRate, getDouble(DialecticConfig.SIMULATED_TIMEOUT_RATE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("simulated." + persona + ".*: " + e.getMessage());
        }
    }

    /** Settings every Kafka client gets: bootstrap servers plus everything under {@code kafka.}. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
        config.put(BOOTSTRAP_SERVERS, String.join(",", getList(BOOTSTRAP_SERVERS)));
        return config;
    }

    /** The orchestrator's settings. */
    public OrchestratorSettings orchestratorSettings() {
        return new OrchestratorSettings(
                Mode.parse(getString(TASK_DEFAULT_MODE)).orElseThrow(),
                Duration.ofMillis(getLong(TASK_TIMEOUT_MS)),
                getInt(TASK_GOAL_MAX_CHARS),
                getInt(TASK_CONTEXT_MAX_CHARS),
                Duration.ofMillis(getLong(TASK_RETENTION_MS)),
                Duration.ofMillis(getLong(ORCHESTRATOR_TIMER_INTERVAL_MS)),
                "memory".equals(getString(ORCHESTRATOR_STORES)),
                Duration.ofMillis(getLong(ORCHESTRATOR_STAGE_ATTEMPT_TIMEOUT_MS)),
                getInt(ORCHESTRATOR_STAGE_MAX_ATTEMPTS));
    }

    /** When the canary's decision-maker rolls a canary back. */
    public RollbackRule rollbackRule() {
        return new RollbackRule(getDouble(CANARY_ROLLBACK_MAX_ERROR_RATE), getDouble(CANARY_ROLLBACK_MAX_FALLBACK_RATE),
                getInt(CANARY_ROLLBACK_MIN_TASKS), Duration.ofMillis(getLong(CANARY_WINDOW_MS)));
    }

    /** The response cache's policy for {@code spec}'s personas. */
    public CachePolicy cachePolicy(PipelineSpec spec) {
        return CachePolicy.of(spec, getString(LLM_PROVIDER), getBoolean(CACHE_ENABLED));
    }

    /** The Streams application id. */
    public String applicationId() {
        String id = getString(ORCHESTRATOR_APPLICATION_ID);
        return id != null ? id : getString(TOPIC_PREFIX) + "orchestrator";
    }

    /** The workers' settings. */
    public WorkerSettings workerSettings() {
        String id = getString(WORKER_ID);
        if (id == null) {
            id = ManagementFactory.getRuntimeMXBean().getName().replace('@', '-');
        }
        return new WorkerSettings(id, getInt(WORKER_MAX_IN_FLIGHT),
                Math.min(getInt(WORKER_CONSUMERS), getInt(WORKER_MAX_IN_FLIGHT)),
                Duration.ofMillis(getLong(WORKER_CALL_TIMEOUT_MS)),
                new RetryPolicy(getInt(WORKER_RETRY_MAX_ATTEMPTS), Duration.ofMillis(getLong(WORKER_RETRY_INITIAL_BACKOFF_MS)),
                        Duration.ofMillis(Math.max(getLong(WORKER_RETRY_INITIAL_BACKOFF_MS), getLong(WORKER_RETRY_MAX_BACKOFF_MS)))),
                new WorkerSettings.TokenBatching(getBoolean(WORKER_TOKENS_ENABLED), getInt(WORKER_TOKENS_MAX_BATCH),
                        Duration.ofMillis(getLong(WORKER_TOKENS_MAX_DELAY_MS))));
    }

    /** Share-group configs to set on every persona group. */
    public Map<String, String> shareGroupSettings() {
        return Map.of(
                "share.isolation.level", getString(WORKER_SHARE_ISOLATION_LEVEL),
                "share.record.lock.duration.ms", getInt(WORKER_SHARE_LOCK_DURATION_MS).toString(),
                "share.partition.max.record.locks", getInt(WORKER_SHARE_RECORD_LOCKS).toString(),
                "share.delivery.count.limit", getInt(WORKER_SHARE_DELIVERY_COUNT_LIMIT).toString());
    }

    /**
     * The HTTP API's settings; the keys are those of {@value #API_KEYS}, then of {@value #API_KEYS_FILE}.
     *
     * @throws ConfigException when the keys are malformed or their file cannot be read (never showing a key)
     */
    public ApiSettings apiSettings() {
        ApiKeys keys;
        try {
            Password inline = getPassword(API_KEYS);
            keys = ApiKeys.parse(inline == null ? null : inline.value());
            String file = getString(API_KEYS_FILE);
            if (file != null && !file.isBlank()) {
                keys = keys.and(ApiKeys.parse(Files.readString(Path.of(file))));
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(API_KEYS + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException(API_KEYS_FILE + ": cannot read " + getString(API_KEYS_FILE) + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        String host = getString(API_HOST);
        String advertised = getString(API_ADVERTISED_HOST);
        if (advertised == null) {
            advertised = "0.0.0.0".equals(host) || "::".equals(host) ? localHostName() : host;
        }
        return new ApiSettings(host, getInt(API_PORT), advertised, keys, getLong(API_MAX_BODY_BYTES),
                getBoolean(API_AUTH_READS), getInt(API_HISTORY_TASKS),
                Duration.ofMillis(getLong(API_HISTORY_WINDOW_MS)));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException(API_ADVERTISED_HOST + ": this machine has no resolvable name; set it");
        }
    }

    /** The registry's basic-auth user info, if configured. */
    public String registryUserInfo() {
        Password password = getPassword(SCHEMA_REGISTRY_USER_INFO);
        return password == null ? null : password.value();
    }

    /** The registry's bearer token, if configured. */
    public String registryBearerToken() {
        Password password = getPassword(SCHEMA_REGISTRY_BEARER_TOKEN);
        return password == null ? null : password.value();
    }

    /** The personas this process serves, lower-cased: those configured, else every persona {@code spec} calls. */
    public List<String> personas(PipelineSpec spec) {
        List<String> configured = getList(WORKER_PERSONAS);
        return (configured.isEmpty() ? List.copyOf(spec.requestedPersonas()) : configured).stream()
                .map(p -> p.strip().toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /**
     * The pipeline spec in force: {@value #PIPELINE_SPEC}'s file, else the built-in one, with the
     * {@code persona.<name>.} settings of this configuration applied over its personas' own.
     *
     * @throws SpecException in one line naming the file and the place, when the spec or an override cannot work
     */
    public PipelineSpec pipelineSpec() {
        String file = getString(PIPELINE_SPEC);
        PipelineSpec spec = file.isBlank() ? SpecLoader.defaultSpec() : SpecLoader.load(Path.of(file.strip()));
        Map<String, Object> overrides = originalsWithPrefix(PersonaSettings.PREFIX, false);
        SpecLoader.checkOverrides(spec, overrides);
        return spec.withOverrides(overrides);
    }
}
