package dev.dialectic.localstack;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dialectic stack [start|stop|status]}: runs a {@link LocalStack} in the foreground, or stops or
 * reports the one running on a data directory. Errors are one line on stderr, never a stack trace.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Local Kafka brokers (KRaft) and an Apicurio schema registry for Dialectic, without Docker.",
        subcommands = {LocalStackCommand.Start.class, LocalStackCommand.Stop.class, LocalStackCommand.Status.class})
public final class LocalStackCommand implements Callable<Integer> {

    /** How long {@code stop} waits for the stack to exit: both pieces' stop grace periods, and a margin. */
    private static final Duration STOP_TIMEOUT = KafkaBrokerProcess.STOP_GRACE
            .plus(ApicurioRegistryProcess.STOP_GRACE).plusSeconds(15);

    @Spec
    CommandSpec spec;

    /** Runs the command; {@code start} when no subcommand is given. */
    public static void main(String[] args) {
        // Before the first logger exists: the command's quiet configuration, unless the user chose another.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:dev/dialectic/localstack/command-log4j2.xml");
        }
        System.exit(commandLine().execute(withDefaultSubcommand(args)));
    }

    /** The command line with its one-line error handling, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LocalStackCommand());
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println("dialectic stack: " + describe(exception));
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    /** {@code start} is the default: {@code stack --kafka-port 9093} means {@code stack start --kafka-port 9093}. */
    static String[] withDefaultSubcommand(String[] args) {
        boolean helpOnly = args.length > 0 && Arrays.asList("-h", "--help", "-V", "--version").contains(args[0]);
        if (helpOnly || (args.length > 0 && !args[0].startsWith("-"))) {
            return args;
        }
        String[] withStart = new String[args.length + 1];
        withStart[0] = "start";
        System.arraycopy(args, 0, withStart, 1, args.length);
        return withStart;
    }

    private static String describe(Exception exception) {
        if (exception instanceof StackException || exception instanceof IllegalArgumentException) {
            return exception.getMessage();
        }
        return exception.getClass().getSimpleName() + ": " + exception.getMessage();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The data directory option shared by every subcommand. */
    static final class DataDirOption {
        // The same directory as LocalStack.defaultDataDir(), spelled as picocli needs it in an annotation.
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${sys:user.dir}/.dialectic/stack",
                description = "Where the broker and the registry keep data and logs (default: ${DEFAULT-VALUE}).")
        Path dataDir;
    }

    /** Starts the stack and keeps it in the foreground until Ctrl-C, SIGTERM or {@code stop}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the broker(s) and the registry; stays in the foreground until Ctrl-C or 'stop'.")
    static final class Start implements Callable<Integer> {

        @CommandLine.Mixin
        DataDirOption dataDir;

        @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
                description = "The broker's client port on 127.0.0.1 (default: ${DEFAULT-VALUE}); further brokers"
                        + " take the ports after it.")
        int kafkaPort;

        @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
                description = "How many Kafka brokers (default: ${DEFAULT-VALUE}); with 3, every topic is replicated"
                        + " 3 times with min.insync.replicas=2, so any one broker may fail.")
        int brokers;

        @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
                description = "The schema registry's HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int registryPort;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            LocalStack.Options options = new LocalStack.Options(dataDir.dataDir, kafkaPort, registryPort, brokers);
            LocalStack stack = LocalStack.start(options, message -> {
                out.println(message);
                out.flush();
            });
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.println("Stopping the local stack ...");
                out.flush();
                stack.close();
                out.println("Stopped.");
                out.flush();
                stopped.countDown();
            }, "local-stack-shutdown"));
            out.println("Kafka bootstrap: " + stack.bootstrapServers());
            out.println("Schema registry: " + stack.registryUrl());
            out.println("Logs: " + stack.brokerLogs().stream().map(Path::toString).collect(Collectors.joining(", "))
                    + ", " + stack.registryLog());
            out.println("Running. Stop with Ctrl-C or './dialectic stack stop"
                    + LocalStack.dataDirOption(options.dataDir()) + "'.");
            out.flush();
            // Only the shutdown hook ends this wait; the JVM then exits once the hook is done.
            stopped.await();
            return 0;
        }
    }

    /** Stops the stack running on a data directory. */
    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the stack running on the data directory, and wait until it has stopped.")
    static final class Stop implements Callable<Integer> {

        @CommandLine.Mixin
        DataDirOption dataDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path dir = dataDir.dataDir.toAbsolutePath().normalize();
            Optional<LocalStack.Status> stopped = LocalStack.stopRunning(dir, STOP_TIMEOUT);
            spec.commandLine().getOut().println(stopped
                    .map(status -> "Stopped the local stack (pid " + status.pid() + ") on " + dir + ".")
                    .orElse("No local stack is running on " + dir + "."));
            return 0;
        }
    }

    /** Tells whether a stack runs on a data directory, and where it answers. Exit code 0 if it runs, else 1. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Tell whether a stack runs on the data directory (exit code 0) or not (exit code 1).")
    static final class Status implements Callable<Integer> {

        @CommandLine.Mixin
        DataDirOption dataDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path dir = dataDir.dataDir.toAbsolutePath().normalize();
            PrintWriter out = spec.commandLine().getOut();
            Optional<LocalStack.Status> status = LocalStack.status(dir);
            if (status.isEmpty()) {
                out.println("No local stack is running on " + dir + ".");
                return 1;
            }
            long pid = status.get().pid();
            Optional<Properties> ready = status.get().ready();
            if (ready.isEmpty()) {
                out.println("The local stack on " + dir + " (pid " + pid + ") is starting.");
            } else {
                out.println("The local stack on " + dir + " (pid " + pid + ") is running.");
                out.println("Kafka bootstrap: " + ready.get().getProperty("bootstrap.servers"));
                out.println("Schema registry: " + ready.get().getProperty("schema.registry.url"));
            }
            return 0;
        }
    }
}
