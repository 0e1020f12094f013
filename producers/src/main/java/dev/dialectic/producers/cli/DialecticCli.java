package dev.dialectic.producers.cli;

import dev.dialectic.producers.DialecticClient;
import dev.dialectic.producers.InvalidTaskException;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryException;
import dev.dialectic.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code dialectic cli}: submits tasks, waits for their results, shows results and timelines, reports from the
 * ledger and runs canary releases. The global options name the cluster; the subcommands ({@link SubmitCommand},
 * {@link ResultsCommand}, {@link LedgerCommand}, {@link ReportCommand}, {@link CanaryCommand}) do the work through a
 * {@link DialecticClient}.
 *
 * <p>Every failure is one line on stderr, {@code dialectic: <reason>}, never a stack trace, with an exit code
 * that tells bad input (2) from an unreachable or failing cluster (1). Kafka clients get short timeouts, so
 * an unreachable broker is reported in about 15 s instead of hanging.
 */
@Command(name = "dialectic cli",
        subcommands = {SubmitCommand.class, ResultsCommand.class, LedgerCommand.class, ReportCommand.class,
            CanaryCommand.class},
        description = "Submits dialectic tasks to Kafka, waits for their results and shows their timelines.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:Kafka or the schema registry failed or could not be reached",
            "2:bad input: an option, a task, a task file",
            "3:not there: no result within --wait-timeout, no ledger for the task",
            "4:with --wait: every result came, but some task ended PARTIAL or FAILED"})
public final class DialecticCli implements Callable<Integer> {

    static final int OK = 0;
    static final int UNAVAILABLE = 1;
    static final int BAD_INPUT = 2;
    static final int NOT_THERE = 3;
    static final int UNSUCCESSFUL = 4;

    /** Short enough that an unreachable cluster is reported soon; --client-config may change them. */
    private static final Map<String, Object> CLIENT_TIMEOUTS = Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
            CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
            CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    private boolean help;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            defaultValue = "${env:DIALECTIC_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers (default: env DIALECTIC_BOOTSTRAP_SERVERS, else localhost:9092).")
    private String bootstrapServers;

    // Never shown with its value in the help: a registry URL may carry credentials (user:password@host).
    @Option(names = "--registry-url", paramLabel = "URL", scope = ScopeType.INHERIT,
            defaultValue = "${env:DIALECTIC_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "Confluent-compatible schema registry (default: env DIALECTIC_SCHEMA_REGISTRY_URL, else the"
                    + " local stack's http://127.0.0.1:8081/apis/ccompat/v7).")
    private String registryUrl;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", scope = ScopeType.INHERIT,
            defaultValue = Topics.DEFAULT_PREFIX,
            description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
    private String topicPrefix;

    @Option(names = "--client-config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "A .properties file of Kafka client settings (security, timeouts), applied to every client.")
    private Path clientConfig;

    @Spec
    private CommandSpec spec;

    private final boolean stderrIsTerminal;

    /** A CLI whose progress output assumes stderr is not a terminal (plain lines, no {@code \r}). */
    public DialecticCli() {
        this(false);
    }

    private DialecticCli(boolean stderrIsTerminal) {
        this.stderrIsTerminal = stderrIsTerminal;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new DialecticCli(stderrIsTerminal())).execute(args));
    }

    /**
     * A command line for {@code cli} whose option errors are one line ({@code dialectic: <reason>}, exit code
     * 2) instead of picocli's message followed by the whole usage.
     */
    static CommandLine commandLine(DialecticCli cli) {
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("dialectic: " + oneLine(e.getMessage()));
            e.getCommandLine().getErr().flush();
            return BAD_INPUT;
        });
        return commandLine;
    }

    /** Without a subcommand: the usage, on stderr, as bad input. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /** The work of a subcommand, given a client it must not close. */
    @FunctionalInterface
    interface ClientWork {
        int run(DialecticClient client) throws IOException;
    }

    /**
     * Runs {@code work} with a client for the global options and turns every failure into one line on the
     * subcommand's stderr and an exit code.
     */
    int withClient(CommandSpec command, ClientWork work) {
        PrintWriter err = command.commandLine().getErr();
        try (RestSchemaRegistryClient registry = RestSchemaRegistryClient.builder(registryUrl)
                        .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(10)).maxRetries(2)
                        .build();
                DialecticClient client = DialecticClient.builder()
                        .bootstrapServers(bootstrapServers)
                        .registry(registry)
                        .topicPrefix(topicPrefix)
                        .kafkaProperties(kafkaProperties())
                        .build()) {
            return work.run(client);
        } catch (BadInputException | InvalidTaskException e) {
            return fail(err, BAD_INPUT, e.getMessage());
        } catch (NotThereException e) {
            return fail(err, NOT_THERE, e.getMessage());
        } catch (IllegalArgumentException e) { // a malformed registry URL or bootstrap list
            return fail(err, BAD_INPUT, e.getMessage());
        } catch (SchemaRegistryException e) {
            return fail(err, UNAVAILABLE, e.getMessage());
        } catch (InterruptException e) {
            return fail(err, UNAVAILABLE, "interrupted");
        } catch (TimeoutException e) {
            return fail(err, UNAVAILABLE, "Kafka at " + bootstrapServers + " did not answer in time (" + e.getMessage()
                    + ")");
        } catch (KafkaException e) {
            Throwable config = configProblem(e);
            return config != null
                    ? fail(err, BAD_INPUT, "invalid Kafka client setting: " + config.getMessage())
                    : fail(err, UNAVAILABLE, "Kafka at " + bootstrapServers + ": " + kafkaMessage(e));
        } catch (IOException | RuntimeException e) {
            return fail(err, UNAVAILABLE, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Whether stderr goes to a terminal, where the progress bar may be redrawn in place. */
    boolean redrawsProgress() {
        return stderrIsTerminal;
    }

    /** Whether output may use block characters for bars: only if stdout's encoding can carry them. */
    static boolean unicode() {
        return System.out.charset().newEncoder().canEncode('█');
    }

    private Map<String, Object> kafkaProperties() {
        Map<String, Object> properties = new HashMap<>(CLIENT_TIMEOUTS);
        if (clientConfig != null) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(clientConfig, StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (IOException e) {
                throw new BadInputException("cannot read --client-config " + clientConfig + ": " + e.getMessage());
            }
            file.forEach((key, value) -> properties.put(key.toString(), value.toString().strip()));
        }
        return properties;
    }

    private static int fail(PrintWriter err, int exitCode, String reason) {
        err.println("dialectic: " + oneLine(reason == null ? "unknown error" : reason));
        err.flush();
        return exitCode;
    }

    private static Throwable configProblem(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConfigException) {
                return cause;
            }
        }
        return null;
    }

    /** Kafka's wrappers ("Failed to construct kafka producer") say less than what they wrap. */
    private static String kafkaMessage(KafkaException e) {
        Throwable shown = e;
        while (shown.getCause() != null && (shown.getMessage() == null || shown.getMessage().startsWith("Failed to"))) {
            shown = shown.getCause();
        }
        return shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
    }

    static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /**
     * Whether this process's stderr is a terminal. Java 21 cannot tell for stderr ({@code System.console()}
     * is about stdin and stdout), so on Linux this asks /proc where file descriptor 2 points; elsewhere it
     * answers false, and progress falls back to plain lines.
     */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
