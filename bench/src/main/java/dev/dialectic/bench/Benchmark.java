package dev.dialectic.bench;

import dev.dialectic.app.DialecticConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./dialectic bench}: runs the benchmark scenarios against a local stack it starts (or a given cluster)
 * with the simulated model, prints each headline figure as {@code name: value unit} on stdout, and writes the
 * JSON and Markdown reports. The "Benchmarks" section of the README says what each figure means.
 */
@Command(name = "dialectic bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measures Dialectic's overhead, modes, throughput and scale against a real broker and registry"
                + " with the simulated model, and an in-process baseline. Figures go to stdout, progress to stderr,"
                + " reports to --out.")
public final class Benchmark implements Callable<Integer> {

    /** Every scenario, in the order they run (the baseline after the overhead it is compared with). */
    static final List<Scenario> SCENARIOS = List.of(new OverheadScenario(), new ModesScenario(),
            new ThroughputScenario(), new ScaleScenario(), new BaselineScenario(), new CacheScenario());

    /** {@code user:password@} after a URL's scheme. */
    private static final Pattern USER_INFO = Pattern.compile("//[^/@\\s]+@");

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", description = "Measure against this Kafka cluster (with --registry-url)"
            + " instead of starting a local stack.")
    private String bootstrapServers;

    @Option(names = "--registry-url", description = "The schema registry of --bootstrap-servers' cluster.")
    private String registryUrl;

    @Option(names = "--measure-process", paramLabel = "NAME=PID",
            description = "With a given cluster: also measure the CPU of this local process (e.g. broker=1234)."
                    + " Repeatable. A stack the run starts is measured anyway.")
    private Map<String, Long> measuredProcesses = new LinkedHashMap<>();

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "Scenarios to run (default: all): overhead, modes, throughput, scale, baseline, cache.")
    private List<String> scenarios = SCENARIOS.stream().map(Scenario::name).toList();

    @Option(names = "--quick", description = "Shorter defaults: the whole run in about four minutes on 2 cores.")
    private boolean quick;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the reports go (default: bench/target/bench-results).")
    private Path out;

    @Option(names = "--label", description = "A note stored with the run, e.g. what was tuned.")
    private String label;

    @Option(names = "--set", paramLabel = "[SCENARIO:]KEY=VALUE",
            description = "A service setting (DialecticConfig key, streams.* and kafka.* included) for every"
                    + " scenario, or only for SCENARIO's service. Repeatable.")
    private List<String> sets = new ArrayList<>();

    @Option(names = "--speed", description = "Simulated speed factor of overhead, modes and baseline (default 0.1:"
            + " thesis 450 ms, antithesis 1.08 s, synthesis 1.42 s).")
    private double speed = 0.1;

    @Option(names = "--jitter", description = "Simulated timing jitter, a fraction (default 0).")
    private double jitter;

    @Option(names = "--rate", description = "Open-loop tasks/s of overhead, baseline and the cache scenario's unique"
            + " goals (default 100).")
    private double rate = 100;

    @Option(names = "--warmup", converter = DurationOption.class,
            description = "Load before overhead/baseline measure (default 30s; quick 10s). The JIT compilers keep"
                    + " about half a core busy for the first minute of a service JVM; shorter warm-ups measure that.")
    private Duration warmup;

    @Option(names = "--duration", converter = DurationOption.class,
            description = "How long overhead/baseline measure (default 30s; quick 10s).")
    private Duration duration;

    @Option(names = "--modes-tasks", description = "Goals run in each mode, and parallel tasks of the fallback group"
            + " (default 200; quick 40); also the goals the cache scenario repeats.")
    private Integer modesTasks;

    @Option(names = "--modes-rate", description = "Open-loop tasks/s of the modes scenario and of the cache scenario's"
            + " repeated goals (default 20).")
    private double modesRate = 20;

    @Option(names = "--fallback-error-rate", description = "Probability that an antithesis call fails in the modes"
            + " scenario's fallback group, whose workers do not retry (default 0.3: about 30% of its tasks fall back,"
            + " and 30% of those fail again).")
    private double fallbackErrorRate = 0.3;

    @Option(names = "--outstanding", description = "Tasks in flight in the closed-loop throughput scenario"
            + " (default 2000).")
    private int outstanding = 2000;

    @Option(names = "--throughput-warmup", converter = DurationOption.class,
            description = "Load before throughput measures (default 30s; quick 10s).")
    private Duration throughputWarmup;

    @Option(names = "--throughput-duration", converter = DurationOption.class,
            description = "How long throughput measures (default 60s; quick 15s).")
    private Duration throughputDuration;

    @Option(names = "--scale-tasks", description = "Tasks submitted at once in the scale scenario (default 10000;"
            + " quick 2000).")
    private Integer scaleTasks;

    @Option(names = "--scale-latency", converter = DurationOption.class,
            description = "Simulated latency of every stage in the scale scenario (default 2s).")
    private Duration scaleLatency = Duration.ofSeconds(2);

    public static void main(String[] args) {
        // Kafka's test kit on the class path brings a log4j2.yaml (INFO to stdout), which log4j prefers to any
        // log4j2.xml; stdout must carry only the figures.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "bench-log4j2.xml");
        }
        System.exit(commandLine(new Benchmark()).execute(args));
    }

    /**
     * A command line for {@code benchmark} whose errors are one line on stderr ({@code dialectic bench: <reason>})
     * instead of picocli's message followed by the whole usage, or a stack trace: exit code 2 for bad options,
     * 1 when the run could not start (for example, the local stack did not come up).
     */
    static CommandLine commandLine(Benchmark benchmark) {
        CommandLine commandLine = new CommandLine(benchmark);
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("dialectic bench: " + oneLine(e.getMessage()));
            e.getCommandLine().getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("dialectic bench: " + oneLine(e.toString()));
            cmd.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        return commandLine;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public Integer call() throws Exception {
        BenchOptions options = options();
        Map<String, Scenario> known = SCENARIOS.stream()
                .collect(Collectors.toMap(Scenario::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        for (String name : scenarios) {
            if (!known.containsKey(name.strip())) {
                throw new ParameterException(spec.commandLine(), "unknown scenario '" + name + "' (known: "
                        + String.join(", ", known.keySet()) + ")");
            }
        }
        Overrides overrides;
        try {
            overrides = Overrides.parse(sets, known.keySet());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        rejectInvalidSettings(overrides, known.keySet());
        if ((bootstrapServers == null) != (registryUrl == null)) {
            throw new ParameterException(spec.commandLine(), "give both --bootstrap-servers and --registry-url, or"
                    + " neither (then a local stack is started)");
        }
        Instant startedAt = Instant.now();
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC)
                .format(startedAt);
        String loadAtStart = loadAverage();
        PrintWriter figuresOut = spec.commandLine().getOut();
        List<ScenarioReport> reports = new ArrayList<>();
        String clusterDescription;
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        measuredProcesses.forEach((name, pid) -> processes.put(name, ProcessHandle.of(pid).orElseThrow(
                () -> new ParameterException(spec.commandLine(), "no process " + pid + " (--measure-process)"))));
        try (Cluster cluster = bootstrapServers != null ? Cluster.external(bootstrapServers, registryUrl, processes)
                : Cluster.startLocal(message -> System.err.println("bench: " + message))) {
            clusterDescription = cluster.describe();
            RunContext context = new RunContext(cluster, options, overrides, runId);
            for (Scenario scenario : SCENARIOS) {
                if (!scenarios.stream().map(String::strip).toList().contains(scenario.name())) {
                    continue;
                }
                ScenarioReport report = runOne(scenario, context);
                context.record(report);
                reports.add(report);
                report.figures().forEach(figure -> figuresOut.println(figure.line()));
                figuresOut.flush();
                report.notes().forEach(note -> System.err.println("bench: " + scenario.name() + ": note: " + note));
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", runId);
        run.put("label", label);
        run.put("startedAt", startedAt.toString());
        run.put("finishedAt", Instant.now().toString());
        run.put("arguments", reportable(spec.commandLine().getParseResult().originalArgs()));
        run.put("cluster", withoutUserInfo(clusterDescription));
        run.put("machine", String.format(Locale.ROOT, "%d cores, Java %s with at most %d MiB of heap, load average"
                + " (1/5/15 min) %s at start, %s at end", Runtime.getRuntime().availableProcessors(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20, loadAtStart, loadAverage()));
        run.put("options", describe(options));
        List<Path> written = ReportWriter.write(out != null ? out : defaultOut(), runId, run, reports);
        System.err.println("bench: reports written to " + written.stream().map(Path::toString)
                .collect(Collectors.joining(" and ")));
        return reports.stream().anyMatch(r -> r.error() != null) ? 1 : 0;
    }

    /**
     * Fails on a {@code --set} value the service would refuse (a wrong type, a number out of range) now, not in
     * every scenario after the stack has started. The cluster's addresses are placeholders: they are not checked.
     */
    private void rejectInvalidSettings(Overrides overrides, Collection<String> scenarioNames) {
        for (String scenario : scenarioNames) {
            Map<String, String> settings = overrides.apply(scenario, Map.of(
                    DialecticConfig.BOOTSTRAP_SERVERS, "localhost:9092",
                    DialecticConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081"));
            try {
                new DialecticConfig(settings);
            } catch (ConfigException e) {
                throw new ParameterException(spec.commandLine(), "--set: " + e.getMessage());
            }
        }
    }

    private static ScenarioReport runOne(Scenario scenario, RunContext context) {
        long start = System.nanoTime();
        try {
            ScenarioReport report = scenario.run(context);
            context.progress(String.format(Locale.ROOT, "%s done in %.0f s", scenario.name(),
                    (System.nanoTime() - start) / 1e9));
            return report;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            context.progress(scenario.name() + " failed: " + e);
            e.printStackTrace();
            return ScenarioReport.failed(scenario.name(), e.toString());
        }
    }

    /**
     * The command line as reports show it: the value of a {@code --set} whose key may hold a credential becomes
     * {@code ***}, and so does the user info of a URL ({@code https://user:password@registry}).
     */
    static List<String> reportable(List<String> arguments) {
        List<String> shown = new ArrayList<>(arguments.size());
        boolean setValueNext = false;
        for (String argument : arguments) {
            if (setValueNext) {
                shown.add(redactedSetting(argument));
            } else if (argument.startsWith("--set=")) {
                shown.add("--set=" + redactedSetting(argument.substring("--set=".length())));
            } else {
                shown.add(withoutUserInfo(argument));
            }
            setValueNext = argument.equals("--set");
        }
        return shown;
    }

    private static String redactedSetting(String setting) {
        int equals = setting.indexOf('=');
        String key = equals < 0 ? setting : setting.substring(0, equals);
        String scopeless = key.substring(key.indexOf(':') + 1).strip();
        return equals >= 0 && RunContext.secret(scopeless) ? key + "=***" : withoutUserInfo(setting);
    }

    private static String withoutUserInfo(String text) {
        return USER_INFO.matcher(text).replaceAll("//***@");
    }

    /** The options with the defaults of a full or a quick run filled in. */
    private BenchOptions options() {
        try {
            return new BenchOptions(quick, speed, jitter, rate,
                    warmup != null ? warmup : Duration.ofSeconds(quick ? 10 : 30),
                    duration != null ? duration : Duration.ofSeconds(quick ? 10 : 30),
                    modesTasks != null ? modesTasks : quick ? 40 : 200, modesRate, fallbackErrorRate, outstanding,
                    throughputWarmup != null ? throughputWarmup : Duration.ofSeconds(quick ? 10 : 30),
                    throughputDuration != null ? throughputDuration : Duration.ofSeconds(quick ? 15 : 60),
                    scaleTasks != null ? scaleTasks : quick ? 2_000 : 10_000, scaleLatency);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static Map<String, Object> describe(BenchOptions options) {
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("quick", options.quick());
        described.put("speedFactor", options.speedFactor());
        described.put("jitter", options.jitter());
        described.put("rate", options.rate());
        described.put("warmup", DurationOption.describe(options.warmup()));
        described.put("duration", DurationOption.describe(options.duration()));
        described.put("modesTasks", options.modesTasks());
        described.put("modesRate", options.modesRate());
        described.put("fallbackErrorRate", options.fallbackErrorRate());
        described.put("outstanding", options.outstanding());
        described.put("throughputWarmup", DurationOption.describe(options.throughputWarmup()));
        described.put("throughputDuration", DurationOption.describe(options.throughputDuration()));
        described.put("scaleTasks", options.scaleTasks());
        described.put("scaleLatency", DurationOption.describe(options.scaleLatency()));
        return described;
    }

    /** {@code bench/target/bench-results} next to this jar when run from it, else below the working directory. */
    private static Path defaultOut() {
        try {
            Path location = Path.of(Benchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location) && location.getParent() != null
                    && location.getParent().getFileName().toString().equals("target")) {
                return location.getParent().resolve("bench-results");
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return Path.of("bench", "target", "bench-results");
    }

    /** The 1, 5 and 15 minute load averages from /proc/loadavg, or the JVM's 1 minute figure elsewhere. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return String.join(" ", fields[0], fields[1], fields[2]);
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
