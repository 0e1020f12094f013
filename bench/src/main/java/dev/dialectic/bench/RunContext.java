package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What every scenario of one run shares: the cluster, the options, the {@code --set} overrides, the run's id
 * (which makes topic prefixes unique), progress output and the reports of the scenarios that ran before.
 */
final class RunContext {

    /** Settings that name the cluster or local paths: left out of reports. */
    private static final Set<String> UNREPORTED = Set.of(DialecticConfig.BOOTSTRAP_SERVERS,
            DialecticConfig.SCHEMA_REGISTRY_URL, DialecticConfig.SCHEMA_REGISTRY_USER_INFO,
            DialecticConfig.SCHEMA_REGISTRY_BEARER_TOKEN, DialecticConfig.ORCHESTRATOR_STATE_DIR);

    private final Cluster cluster;
    private final BenchOptions options;
    private final Overrides overrides;
    private final String runId;
    private final Map<String, ScenarioReport> earlier = new LinkedHashMap<>();

    RunContext(Cluster cluster, BenchOptions options, Overrides overrides, String runId) {
        this.cluster = cluster;
        this.options = options;
        this.overrides = overrides;
        this.runId = runId;
    }

    Cluster cluster() {
        return cluster;
    }

    BenchOptions options() {
        return options;
    }

    /**
     * What the scenarios that measure how much the service gets through (throughput, scale) change from the
     * service's defaults: the exactly-once commit interval of Kafka Streams (100 ms) instead of the service's 30 ms,
     * which trades latency per hop for fewer transactions (the README's Benchmarks section has both figures).
     */
    static final Map<String, String> THROUGHPUT_TUNING = Map.of(DialecticConfig.ORCHESTRATOR_COMMIT_INTERVAL_MS, "100");

    /**
     * The service settings of {@code scenario}: the cluster, a topic prefix of its own, its {@code defaults},
     * then the {@code --set} overrides.
     */
    Map<String, String> serviceSettings(String scenario, Map<String, String> defaults) {
        Map<String, String> base = new LinkedHashMap<>();
        base.put(DialecticConfig.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
        base.put(DialecticConfig.SCHEMA_REGISTRY_URL, cluster.registryUrl());
        base.put(DialecticConfig.TOPIC_PREFIX, "bench-" + runId + "-" + scenario + ".");
        // The scenarios measure the pipeline's own work, and some repeat goals (modes runs each in both modes): only
        // the cache scenario turns the response cache on.
        base.put(DialecticConfig.CACHE_ENABLED, "false");
        base.putAll(defaults);
        return overrides.apply(scenario, base);
    }

    /** The service settings of a scenario that runs the simulated model at {@code --speed} and {@code --jitter}. */
    Map<String, String> referenceModelSettings(String scenario) {
        return serviceSettings(scenario, Map.of(
                DialecticConfig.SIMULATED_SPEED_FACTOR, Double.toString(options.speedFactor()),
                DialecticConfig.SIMULATED_JITTER, Double.toString(options.jitter())));
    }

    /** {@code settings} without the cluster's addresses, credentials and local paths. */
    static Map<String, String> reportable(Map<String, String> settings) {
        Map<String, String> shown = new LinkedHashMap<>(settings);
        shown.keySet().removeIf(key -> UNREPORTED.contains(key) || secret(key));
        return shown;
    }

    /** Whether the value of setting {@code key} may be a credential, which no report may show. */
    static boolean secret(String key) {
        return key.equals(DialecticConfig.SCHEMA_REGISTRY_USER_INFO)
                || key.equals(DialecticConfig.SCHEMA_REGISTRY_BEARER_TOKEN) || key.contains("password")
                || key.contains("sasl.jaas") || key.contains("token") || key.contains("secret");
    }

    /** Prints a progress line on stderr (stdout carries the figures). */
    void progress(String message) {
        System.err.println("bench: " + message);
    }

    /** The report of an earlier scenario of this run, if it ran. */
    Optional<ScenarioReport> earlier(String scenario) {
        return Optional.ofNullable(earlier.get(scenario));
    }

    void record(ScenarioReport report) {
        earlier.put(report.name(), report);
    }
}
