package dev.dialectic.app;

import dev.dialectic.spec.PersonaSettings;
import dev.dialectic.spec.SpecLoader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialectic app}: runs the service until Ctrl-C or SIGTERM. */
@Command(name = "dialectic app", mixinStandardHelpOptions = true,
        description = {"Runs the Dialectic service: the orchestrator and/or the persona workers.",
                "Settings come from --config, then --set, then the options below; see --list-settings."})
public final class DialecticApp implements Callable<Integer> {

    /** The environment variable holding API keys, read when no {@code api.keys} setting is given. */
    static final String API_KEYS_ENV = "DIALECTIC_API_KEYS";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A .properties file of settings.")
    private Path configFile;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A setting (repeatable).")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "${env:DIALECTIC_BOOTSTRAP_SERVERS}",
            description = "Kafka brokers (env DIALECTIC_BOOTSTRAP_SERVERS; default localhost:9092).")
    private String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL", defaultValue = "${env:DIALECTIC_SCHEMA_REGISTRY_URL}",
            description = "Confluent-compatible schema registry (env DIALECTIC_SCHEMA_REGISTRY_URL; default the local"
                    + " stack's http://127.0.0.1:8081/apis/ccompat/v7).")
    private String registryUrl;

    @Option(names = "--roles", paramLabel = "ROLES", description = "orchestrator, workers, or both (default).")
    private String roles;

    @Option(names = "--speed", paramLabel = "FACTOR",
            description = "Simulated model speed: 1 = reference timings (4.5 s / 10.8 s / 14.2 s), 0.1 = ten times faster.")
    private Double speed;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "A pipeline spec (YAML) replacing the built-in dialectic one (setting pipeline.spec).")
    private Path specFile;

    @Option(names = "--variant", paramLabel = "NAME",
            description = "Release variant whose requests this process's workers serve (setting worker.variant;"
                    + " default baseline).")
    private String variant;

    @Option(names = "--print-spec", description = "Print the pipeline spec in force (secrets redacted), and exit.")
    private boolean printSpec;

    @Option(names = "--api-port", paramLabel = "PORT",
            description = "Port of the HTTP API, metrics, health and web view (default 8080; 0 turns them off).")
    private Integer apiPort;

    @Option(names = "--list-settings", description = "Print every setting with its default and meaning, and exit.")
    private boolean listSettings;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new DialecticApp());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("dialectic app: " + oneLine(e));
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (listSettings) {
            list("", DialecticConfig.definition());
            System.out.println();
            System.out.println("Persona settings: in the spec's personas.<name>, or overridden with --set"
                    + " persona.<name>.<key>=VALUE");
            list(PersonaSettings.PREFIX + "<name>.", PersonaSettings.definition());
            return 0;
        }
        DialecticConfig config = new DialecticConfig(collectSettings());
        if (printSpec) {
            System.out.print(SpecLoader.print(config.pipelineSpec()));
            return 0;
        }
        DialecticService service = DialecticService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("dialectic app: stopping (finishing or releasing calls in flight)...");
            service.close();
            stopped.countDown();
        }, "dialectic-shutdown"));
        awaitRunning(service);
        System.out.println("Dialectic running: " + describe(config) + (service.api() == null ? ""
                : "; web view and API at http://" + config.getString(DialecticConfig.API_HOST) + ":"
                        + service.api().port() + "/") + ". Ctrl-C stops it.");
        stopped.await();
        return 0;
    }

    private static void list(String prefix, ConfigDef definition) {
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            System.out.printf("%s%s (default: %s)%n    %s%n", prefix, key.name,
                    key.type == ConfigDef.Type.PASSWORD ? "none" : key.defaultValue, key.documentation);
        }
    }

    /** The settings the parsed command line stands for (package-private for the compose file's contract test). */
    Map<String, Object> collectSettings() throws IOException {
        Map<String, Object> all = new HashMap<>();
        if (configFile != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                props.load(reader);
            }
            props.forEach((k, v) -> all.put(k.toString(), v.toString().strip()));
        }
        all.putAll(settings);
        putIfSet(all, DialecticConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        putIfSet(all, DialecticConfig.SCHEMA_REGISTRY_URL, registryUrl);
        putIfSet(all, DialecticConfig.ROLES, roles);
        putIfSet(all, DialecticConfig.PIPELINE_SPEC, specFile == null ? null : specFile.toString());
        putIfSet(all, DialecticConfig.WORKER_VARIANT, variant);
        putIfSet(all, DialecticConfig.SIMULATED_SPEED_FACTOR, speed == null ? null : speed.toString());
        putIfSet(all, DialecticConfig.API_PORT, apiPort == null ? null : apiPort.toString());
        if (!all.containsKey(DialecticConfig.API_KEYS)) {
            putIfSet(all, DialecticConfig.API_KEYS, System.getenv(API_KEYS_ENV));
        }
        return all;
    }

    private static void putIfSet(Map<String, Object> settings, String key, String value) {
        if (value != null && !value.isBlank()) {
            settings.put(key, value);
        }
    }

    private static void awaitRunning(DialecticService service) throws InterruptedException {
        KafkaStreams streams = service.orchestrator();
        while (streams != null && streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("the orchestrator stopped while starting: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    private static String describe(DialecticConfig config) {
        StringBuilder text = new StringBuilder();
        if (config.runs(DialecticConfig.ROLE_ORCHESTRATOR)) {
            text.append("orchestrator");
        }
        if (config.runs(DialecticConfig.ROLE_WORKERS)) {
            text.append(text.isEmpty() ? "" : " + ").append("workers ")
                    .append(String.join(", ", config.personas(config.pipelineSpec())))
                    .append(" (").append(config.getString(DialecticConfig.LLM_PROVIDER)).append(')');
        }
        return text.append(" on ").append(String.join(",", config.getList(DialecticConfig.BOOTSTRAP_SERVERS)))
                .toString();
    }

    private static String oneLine(Throwable e) {
        Throwable shown = e;
        while (shown.getMessage() == null && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        return message.replaceAll("\\s+", " ").strip();
    }
}
