package dev.dialectic.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dialectic.localstack.KafkaCluster;
import dev.dialectic.spec.PipelineSpec;
import dev.dialectic.spec.SpecException;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The top-level {@code docker-compose.yml} against a real compose implementation and against the service's code:
 * the file must validate, and every variable and setting it gives a Dialectic container must be one the service
 * knows, so the file cannot drift from the code. No Docker engine is needed.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)}");
    /** Prefixes under which Kafka Streams passes a setting on to one of its clients. */
    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    private static JsonNode services;

    /** The file as the compose implementation reads it: anchors and merges resolved, values normalized. */
    @BeforeAll
    static void readTheFileThroughCompose() throws Exception {
        Execution config = compose("config");
        assertThat(config.exitCode()).as("docker-compose config: %s", config.stderr()).isZero();
        services = new ObjectMapper(new YAMLFactory()).readTree(config.stdout()).path("services");
        assertThat(services.size()).as("services in %s", COMPOSE_FILE).isPositive();
    }

    @Test
    void aRealComposeImplementationValidatesTheFile() throws Exception {
        Execution validation = compose("config", "-q");
        assertThat(validation.exitCode()).as("docker-compose config -q: %s", validation.stderr()).isZero();
        assertThat(validation.stderr()).as("warnings of docker-compose config -q").isBlank();
    }

    @Test
    void everyVariableAndSettingGivenToTheServiceIsOneItKnows() throws Exception {
        Map<String, String> envOptions = environmentOptions();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : dialecticServices().entrySet()) {
            String name = service.getKey();
            JsonNode definition = service.getValue();
            List<String> args = new ArrayList<>();
            definition.path("environment").properties().forEach(variable -> {
                assertThat(envOptions).as("service %s: variable %s is not one `dialectic app` reads", name,
                        variable.getKey()).containsKey(variable.getKey());
                if (!envOptions.get(variable.getKey()).isEmpty()) {
                    args.add(envOptions.get(variable.getKey()));
                    args.add(variable.getValue().asText());
                }
            });
            Map<String, Path> mounts = bindMounts(definition);
            for (JsonNode arg : definition.path("command")) {
                // A file the container reads (--config) is read from where the host keeps it.
                args.add(mounts.containsKey(arg.asText()) ? mounts.get(arg.asText()).toString() : arg.asText());
            }

            DialecticApp app = new DialecticApp();
            try {
                new CommandLine(app).parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                fail("service %s: `dialectic app` refuses its command line %s: %s", name, args, e.getMessage());
            }
            DialecticConfig config = new DialecticConfig(app.collectSettings()); // types, ranges, valid values
            assertThat(unknownSettings(config)).as("service %s: settings the service does not know", name).isEmpty();
            checked.add(name);
        }
        assertThat(checked).contains("orchestrator-1", "orchestrator-2", "workers", "workers-ollama");
    }

    @Test
    void twoOrchestratorsAScalableWorkersServiceAndAProfileWhosePersonasAskARealModel() throws Exception {
        assertThat(roles("orchestrator-1")).containsExactly(DialecticConfig.ROLE_ORCHESTRATOR);
        assertThat(roles("orchestrator-2")).containsExactly(DialecticConfig.ROLE_ORCHESTRATOR);
        assertThat(roles("workers")).containsExactly(DialecticConfig.ROLE_WORKERS);
        // --scale needs a service without a fixed container name or host port.
        assertThat(services.path("workers").has("container_name")).isFalse();
        assertThat(services.path("workers").has("ports")).isFalse();

        assertThat(profiles("ollama")).contains("ollama");
        assertThat(profiles("workers-ollama")).contains("ollama");
        DialecticConfig ollamaWorkers = config("workers-ollama");
        for (String persona : ollamaWorkers.personas(ollamaWorkers.pipelineSpec())) {
            Map<String, Object> own = ollamaWorkers.originalsWithPrefix("persona." + persona + ".");
            String provider = String.valueOf(own.getOrDefault("provider", ollamaWorkers.getString(DialecticConfig.LLM_PROVIDER)));
            assertThat(provider).as("persona %s's provider", persona).isEqualTo("openai");
            assertThat(own.get("base.url")).as("persona %s's model server", persona).asString()
                    .startsWith("http://ollama:");
        }
    }

    @Test
    void topicsAreReplicatedThreeTimesWithTwoReplicasInSyncLikeTheLocalThreeBrokerStack() throws Exception {
        Map<String, String> local = KafkaCluster.settings(3);
        List<String> replication = local.keySet().stream()
                .filter(key -> key.contains("replication") || key.contains("isr") || key.contains("insync")).toList();
        assertThat(replication).isNotEmpty();
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, String> settings = brokerSettings(services.path(broker));
            assertThat(settings.get("process.roles")).isEqualTo("broker,controller");
            for (String key : replication) {
                assertThat(settings.get(key)).as("%s: %s", broker, key).isEqualTo(local.get(key));
            }
        }
        for (String service : dialecticServices().keySet()) {
            assertThat(config(service).getShort(DialecticConfig.TOPIC_REPLICATION_FACTOR))
                    .as("%s: topic.replication.factor", service).isEqualTo((short) KafkaCluster.REPLICATION_FACTOR);
        }
    }

    @Test
    void everyImageTagIsPinnedAndTheServiceImageIsBuiltFromTheDockerfile() {
        services.properties().forEach(service -> {
            String image = service.getValue().path("image").asText();
            assertThat(image).as("service %s's image", service.getKey()).matches("[^:]+:[^:]+")
                    .doesNotEndWith(":latest");
        });
        dialecticServices().forEach((name, definition) -> assertThat(Path.of(definition.path("build").path("context")
                .asText())).as("%s is built from this repository", name).isEqualTo(ROOT));
        assertThat(ROOT.resolve("Dockerfile")).exists();
        assertThat(ROOT.resolve("deploy/prometheus.yml")).exists();
        assertThat(ROOT.resolve("deploy/grafana/provisioning/dashboards/dialectic.yml")).exists();
    }

    /** Every setting of {@code config} that is neither a key of the service nor passed on to a part that knows it. */
    static Set<String> unknownSettings(DialecticConfig given) {
        Set<String> defined = DialecticConfig.definition().names();
        Set<String> clientSettings = new HashSet<>(ConsumerConfig.configNames());
        clientSettings.addAll(ProducerConfig.configNames());
        clientSettings.addAll(AdminClientConfig.configNames());
        Set<String> streamsSettings = new HashSet<>(StreamsConfig.configDef().names());
        streamsSettings.addAll(clientSettings);

        // Persona settings belong to the pipeline spec, which refuses, by name, each one it does not know.
        Map<String, Object> accepted = new HashMap<>(given.originals());
        Set<String> refusedBySpec = new LinkedHashSet<>();
        PipelineSpec spec = null;
        while (spec == null) {
            try {
                spec = new DialecticConfig(accepted).pipelineSpec();
            } catch (SpecException e) {
                String key = e.getMessage().substring(0, Math.max(0, e.getMessage().indexOf(':')));
                if (accepted.remove(key) == null) {
                    throw e;
                }
                refusedBySpec.add(key);
            }
        }
        DialecticConfig config = new DialecticConfig(accepted);
        // Simulated settings are known when building the persona's model reads them.
        Set<String> personas = new LinkedHashSet<>(config.personas(spec));
        for (String key : config.originals().keySet()) {
            if (!defined.contains(key) && (key.startsWith("persona.") || key.startsWith("simulated."))) {
                personas.add(key.split("\\.")[1]);
            }
        }
        ModelsConfig models = new ModelsConfig(config, spec);
        personas.forEach(models::profile);
        Set<String> unused = config.unused();

        Set<String> unknown = new LinkedHashSet<>();
        for (String key : given.originals().keySet()) {
            boolean known;
            if (defined.contains(key)) {
                known = true;
            } else if (key.startsWith(DialecticConfig.KAFKA_PREFIX)) {
                known = clientSettings.contains(key.substring(DialecticConfig.KAFKA_PREFIX.length()));
            } else if (key.startsWith(DialecticConfig.STREAMS_PREFIX)) {
                String setting = key.substring(DialecticConfig.STREAMS_PREFIX.length());
                known = streamsSettings.contains(setting) || STREAMS_CLIENT_PREFIXES.stream().anyMatch(prefix ->
                        setting.startsWith(prefix) && clientSettings.contains(setting.substring(prefix.length())));
            } else if (key.startsWith("persona.")) {
                known = !refusedBySpec.contains(key);
            } else if (key.startsWith("simulated.")) {
                known = !unused.contains(key);
            } else {
                known = false;
            }
            if (!known) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    @Test
    void theContractRefusesWhatTheServiceDoesNotKnow() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(DialecticConfig.TOPIC_REPLICATION_FACTOR, "3");
        settings.put("kafka.security.protocol", "SASL_SSL");
        settings.put("streams.session.timeout.ms", "10000");
        settings.put("streams.main.consumer.max.poll.records", "100");
        settings.put("persona.thesis.model", "llama3.2:1b");
        settings.put("persona.thesis.provider", "openai");
        settings.put("topic.replication", "3");
        settings.put("kafka.no.such.client.setting", "1");
        settings.put("streams.no.such.setting", "1");
        settings.put("persona.thesis.modle", "llama3.2:1b");
        settings.put("simulated.thesis.latency.ms", "100"); // the thesis asks openai: no effect, so not known
        assertThat(unknownSettings(new DialecticConfig(settings))).containsExactlyInAnyOrder("topic.replication",
                "kafka.no.such.client.setting", "streams.no.such.setting", "persona.thesis.modle",
                "simulated.thesis.latency.ms");
    }

    /** The services that run the Dialectic image, by name. */
    private static Map<String, JsonNode> dialecticServices() {
        Map<String, JsonNode> dialectic = new LinkedHashMap<>();
        services.properties().forEach(service -> {
            if (service.getValue().path("image").asText().startsWith("dialectic:")) {
                dialectic.put(service.getKey(), service.getValue());
            }
        });
        return dialectic;
    }

    /**
     * The environment variables `dialectic app` reads: those of its options ({@code ${env:NAME}} defaults), each
     * with the option's name, and those it reads itself (its {@code *_ENV} constants), with an empty name.
     */
    private static Map<String, String> environmentOptions() throws IllegalAccessException {
        CommandLine commandLine = new CommandLine(new DialecticApp());
        commandLine.setInterpolateVariables(false); // to see ${env:NAME} itself
        Map<String, String> options = new HashMap<>();
        for (CommandLine.Model.OptionSpec option : commandLine.getCommandSpec().options()) {
            if (option.defaultValue() != null) {
                Matcher env = ENV_DEFAULT.matcher(option.defaultValue());
                if (env.find()) {
                    options.put(env.group(1), option.longestName());
                }
            }
        }
        for (Field field : DialecticApp.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.getName().endsWith("_ENV")) {
                field.setAccessible(true);
                options.putIfAbsent((String) field.get(null), "");
            }
        }
        assertThat(options).as("variables read by dialectic app").containsKey("DIALECTIC_BOOTSTRAP_SERVERS");
        return options;
    }

    /** Container path → host path of the service's bind mounts of files. */
    private static Map<String, Path> bindMounts(JsonNode service) {
        Map<String, Path> mounts = new HashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length >= 2 && parts[0].startsWith("/")) {
                mounts.put(parts[1], Path.of(parts[0]));
            }
        }
        return mounts;
    }

    private static DialecticConfig config(String service) throws IOException {
        JsonNode definition = services.path(service);
        Map<String, Path> mounts = bindMounts(definition);
        List<String> args = new ArrayList<>();
        for (JsonNode arg : definition.path("command")) {
            args.add(mounts.containsKey(arg.asText()) ? mounts.get(arg.asText()).toString() : arg.asText());
        }
        DialecticApp app = new DialecticApp();
        new CommandLine(app).parseArgs(args.toArray(String[]::new));
        return new DialecticConfig(app.collectSettings());
    }

    private static List<String> roles(String service) throws IOException {
        return config(service).getList(DialecticConfig.ROLES);
    }

    private static List<String> profiles(String service) {
        List<String> profiles = new ArrayList<>();
        services.path(service).path("profiles").forEach(profile -> profiles.add(profile.asText()));
        return profiles;
    }

    /** A broker container's settings: the apache/kafka image turns KAFKA_FOO_BAR into foo.bar. */
    private static Map<String, String> brokerSettings(JsonNode service) {
        Map<String, String> settings = new HashMap<>();
        service.path("environment").properties().forEach(variable -> {
            if (variable.getKey().startsWith("KAFKA_")) {
                settings.put(variable.getKey().substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        variable.getValue().asText());
            }
        });
        return settings;
    }

    private record Execution(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs Debian's {@code docker-compose} (1.29, which validates without an engine) on the file. A missing binary
     * fails the test: a skipped check would prove nothing ({@code ./dialectic setup} installs it).
     */
    private static Execution compose(String... args) throws IOException, InterruptedException {
        Path binary = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "docker-compose")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("docker-compose is not installed (Debian package docker-compose;"
                        + " ./dialectic setup installs it): it validates " + COMPOSE_FILE));
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--project-directory", ROOT.toString(),
                "-f", COMPOSE_FILE.toString()));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("compose", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("docker-compose %s did not finish within a minute", List.of(args));
            }
            return new Execution(process.exitValue(), stdout, Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}
