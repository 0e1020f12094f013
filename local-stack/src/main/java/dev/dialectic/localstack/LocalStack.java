package dev.dialectic.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack of one data directory: a {@link KafkaCluster} (one broker by default, or more) and an
 * {@link ApicurioRegistryProcess} (file-backed) started together, as {@code ./dialectic stack start} runs them.
 *
 * <p>Data directory layout: {@code kafka/} (broker config, {@code broker.log}, data; with more than one broker,
 * one {@code kafka/node-<n>/} directory each), {@code registry/}
 * ({@code registry.log}, H2 database), {@code stack.lock} (locked by the running stack), {@code stack.pid}
 * (its pid) and, only while the stack is up and answering, {@code stack.properties} with
 * {@code bootstrap.servers}, {@code schema.registry.url} and {@code pid}; scripts wait for that file.
 */
public final class LocalStack implements AutoCloseable {

    /** Written once both pieces answer, deleted when the stack stops. */
    public static final String PROPERTIES_FILE = "stack.properties";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final String LOCK_FILE = "stack.lock";
    private static final String PID_FILE = "stack.pid";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    /**
     * What to start.
     *
     * @param dataDir      where the brokers and the registry keep their data and logs
     * @param kafkaPort    the first broker's client port on 127.0.0.1; further brokers take the ports after it
     * @param registryPort the registry's HTTP port on 127.0.0.1
     * @param brokers      how many brokers (at most {@value #MAX_BROKERS}); with three or more, topics are
     *                     replicated {@value KafkaCluster#REPLICATION_FACTOR} times (see {@link KafkaCluster})
     */
    public record Options(Path dataDir, int kafkaPort, int registryPort, int brokers) {

        /** The most brokers a local stack runs. */
        public static final int MAX_BROKERS = 9;

        /**
         * @throws IllegalArgumentException if a port is outside 1–65535, the registry port is one of the brokers'
         *                                  or the number of brokers is outside 1–{@value #MAX_BROKERS}
         */
        public Options {
            dataDir = dataDir.toAbsolutePath().normalize();
            if (brokers < 1 || brokers > MAX_BROKERS) {
                throw new IllegalArgumentException("--brokers must be between 1 and " + MAX_BROKERS + ", not " + brokers);
            }
            requirePort(kafkaPort);
            requirePort(kafkaPort + brokers - 1);
            requirePort(registryPort);
            if (registryPort >= kafkaPort && registryPort < kafkaPort + brokers) {
                throw new IllegalArgumentException(brokers == 1 ? "the Kafka and the registry port must differ"
                        : "the registry port must not be one of the brokers' ports " + ports(kafkaPort, brokers));
            }
        }

        /** One broker, as {@code ./dialectic stack} starts by default. */
        public Options(Path dataDir, int kafkaPort, int registryPort) {
            this(dataDir, kafkaPort, registryPort, 1);
        }

        /** The brokers' client ports: {@code kafkaPort} and the ones after it. */
        public List<Integer> kafkaPorts() {
            return ports(kafkaPort, brokers);
        }

        private static List<Integer> ports(int first, int count) {
            return IntStream.range(first, first + count).boxed().toList();
        }

        private static void requirePort(int port) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
            }
        }
    }

    /**
     * What runs on a data directory.
     *
     * @param pid   the process that holds the stack's lock
     * @param ready the contents of {@value #PROPERTIES_FILE}, empty while the stack is still starting
     */
    public record Status(long pid, Optional<Properties> ready) {
    }

    private final Options options;
    private final Lock lock;
    private final KafkaCluster broker;
    private final ApicurioRegistryProcess registry;

    private LocalStack(Options options, Lock lock, KafkaCluster broker, ApicurioRegistryProcess registry) {
        this.options = options;
        this.lock = lock;
        this.broker = broker;
        this.registry = registry;
    }

    /**
     * Starts the broker and the registry, waits until both answer, then writes {@value #PROPERTIES_FILE}.
     *
     * @throws StackException if a stack already runs on the data directory, a port is taken, or a piece
     *                        fails to come up (whatever had started is stopped again)
     */
    public static LocalStack start(Options options) {
        return start(options, message -> { });
    }

    /**
     * Same as {@link #start(Options)}, telling {@code progress} once the checks have passed and the pieces
     * are starting, so a terminal shows why nothing happens for a few seconds.
     */
    public static LocalStack start(Options options, Consumer<String> progress) {
        Path dataDir = options.dataDir();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StackException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Lock lock = Lock.acquire(dataDir).orElseThrow(() -> new StackException(
                "a stack is already running on " + dataDir + describePid(readPid(dataDir))
                        + "; stop it with './dialectic stack stop" + dataDirOption(dataDir) + "'"));
        KafkaCluster broker = null;
        ApicurioRegistryProcess registry = null;
        try {
            for (int port : options.kafkaPorts()) {
                requireFree(port, "--kafka-port");
            }
            requireFree(options.registryPort(), "--registry-port");
            progress.accept("Starting " + (options.brokers() == 1 ? "the Kafka broker" : options.brokers() + " Kafka brokers")
                    + " and the schema registry in " + dataDir + " ...");
            // The registry takes longest to start; both start before we wait for either.
            registry = ApicurioRegistryProcess.start(options.registryPort(), dataDir.resolve("registry"),
                    ApicurioRegistryProcess.Storage.FILE);
            broker = KafkaCluster.start(dataDir.resolve("kafka"), options.kafkaPorts());
            broker.awaitReady(READY_TIMEOUT);
            registry.awaitReady(READY_TIMEOUT);
            LocalStack stack = new LocalStack(options, lock, broker, registry);
            stack.writeProperties();
            return stack;
        } catch (RuntimeException e) {
            stopAll(broker, registry);
            lock.release();
            throw e;
        }
    }

    /**
     * What runs on {@code dataDir}, if anything. A {@value #PROPERTIES_FILE} left behind by a stack that
     * died without cleaning up is deleted here.
     */
    public static Optional<Status> status(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (!Files.exists(dir.resolve(LOCK_FILE))) {
            return Optional.empty();
        }
        Optional<Lock> probe = Lock.acquire(dir);
        if (probe.isPresent()) {
            probe.get().release();
            deleteQuietly(dir.resolve(PROPERTIES_FILE));
            return Optional.empty();
        }
        OptionalLong pid = readPid(dir);
        if (pid.isEmpty()) {
            throw new StackException("a stack holds " + dir.resolve(LOCK_FILE) + " but has not written its pid yet; try again");
        }
        return Optional.of(new Status(pid.getAsLong(), readProperties(dir.resolve(PROPERTIES_FILE))));
    }

    /**
     * Stops the stack running on {@code dataDir} (SIGTERM to its process, which stops the broker and the
     * registry cleanly) and waits for it to exit.
     *
     * @return the stopped stack's status, empty if none ran
     * @throws StackException if it has not exited within {@code timeout}
     */
    public static Optional<Status> stopRunning(Path dataDir, Duration timeout) {
        Optional<Status> status = status(dataDir);
        status.flatMap(running -> ProcessHandle.of(running.pid())).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new StackException("the stack (pid " + process.pid() + ") did not stop within "
                        + timeout.toSeconds() + " s; kill -9 " + process.pid() + " if it is stuck", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for the stack to stop", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        });
        return status;
    }

    /** {@code localhost:<kafka port>} of every broker, comma separated. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The registry's Confluent-compatible base URL. */
    public String registryUrl() {
        return registry.url();
    }

    /** The brokers' output, one file each. */
    public List<Path> brokerLogs() {
        return broker.logFiles();
    }

    /** The registry's output. */
    public Path registryLog() {
        return registry.logFile();
    }

    /** The first broker's process id. */
    public long brokerPid() {
        return broker.node(1).pid();
    }

    /** The brokers, to kill, stop or restart one of them. */
    public KafkaCluster brokers() {
        return broker;
    }

    /** The registry's process id. */
    public long registryPid() {
        return registry.pid();
    }

    /**
     * Deletes {@value #PROPERTIES_FILE} (first, so nobody connects to a stack on its way out), stops both
     * pieces (SIGTERM, then SIGKILL after their grace periods) and releases the data directory. Calling it
     * again does nothing more.
     *
     * @return true if both pieces shut down by themselves
     */
    public boolean stop() {
        deleteQuietly(options.dataDir().resolve(PROPERTIES_FILE));
        boolean clean = stopAll(broker, registry);
        lock.release();
        return clean;
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private static boolean stopAll(KafkaCluster broker, ApicurioRegistryProcess registry) {
        // Both get SIGTERM before we wait for either, so their shutdowns overlap.
        if (registry != null) {
            registry.requestStop();
        }
        if (broker != null) {
            broker.requestStop();
        }
        boolean clean = true;
        if (registry != null && !registry.stop()) {
            LOG.warn("The schema registry did not stop within {} s and was killed; see {}",
                    ApicurioRegistryProcess.STOP_GRACE.toSeconds(), registry.logFile());
            clean = false;
        }
        if (broker != null && !broker.stop()) {
            LOG.warn("A Kafka broker did not stop within {} s and was killed; see {}",
                    KafkaBrokerProcess.STOP_GRACE.toSeconds(), broker.logFiles());
            clean = false;
        }
        return clean;
    }

    private void writeProperties() {
        String text = "# The local Dialectic stack; deleted when it stops.\n"
                + "bootstrap.servers=" + bootstrapServers() + "\n"
                + "schema.registry.url=" + registryUrl() + "\n"
                + "pid=" + ProcessHandle.current().pid() + "\n";
        Path target = options.dataDir().resolve(PROPERTIES_FILE);
        Path temp = options.dataDir().resolve(PROPERTIES_FILE + ".tmp");
        try {
            // Written aside and moved, so a script polling for the file never reads half of it.
            Files.writeString(temp, text);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StackException("could not write " + target + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Properties> readProperties(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            return Optional.of(properties);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static void requireFree(int port, String option) {
        if (!Ports.isFree(port)) {
            throw new StackException("port " + port + " is already in use; pass " + option + " or stop what uses it");
        }
    }

    private static OptionalLong readPid(Path dataDir) {
        try {
            String text = Files.readString(dataDir.resolve(PID_FILE)).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String describePid(OptionalLong pid) {
        return pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "";
    }

    /** {@code ${user.dir}/.dialectic/stack}: the data directory of the command when none is given. */
    public static Path defaultDataDir() {
        return Path.of(System.getProperty("user.dir"), ".dialectic", "stack").toAbsolutePath().normalize();
    }

    /** The {@code --data-dir} option that names {@code dataDir} in a command line; none for the default. */
    public static String dataDirOption(Path dataDir) {
        return dataDir.equals(defaultDataDir()) ? "" : " --data-dir " + dataDir;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Best effort on the way out: a stale file is cleaned up by the next status or start.
        }
    }

    /**
     * An exclusive lock on {@value #LOCK_FILE}, whose holder writes its pid into {@value #PID_FILE}. The
     * operating system releases the lock when the holder dies, however it dies, so a crashed stack never
     * blocks the next start.
     *
     * <p>These are POSIX record locks: closing any descriptor of the lock file, even one opened just to read
     * it, drops every lock this process holds on it. Hence the pid lives in a file of its own, and a JVM
     * that finds its own pid there knows it is the holder without touching the lock file.
     */
    private record Lock(Path pidFile, FileChannel channel) {

        static Optional<Lock> acquire(Path dataDir) {
            if (readPid(dataDir).equals(OptionalLong.of(ProcessHandle.current().pid()))) {
                return Optional.empty();
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                if (channel.tryLock() == null) {
                    channel.close();
                    return Optional.empty();
                }
                Path pidFile = dataDir.resolve(PID_FILE);
                Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
                return Optional.of(new Lock(pidFile, channel));
            } catch (OverlappingFileLockException e) {
                // Another thread of this JVM took it a moment ago, before writing its pid. Closing our channel
                // weakens that lock against other processes, but the JVM still keeps it against ours.
                closeQuietly(channel);
                return Optional.empty();
            } catch (IOException e) {
                closeQuietly(channel);
                throw new StackException("cannot lock " + dataDir.resolve(LOCK_FILE) + ": " + e.getMessage(), e);
            }
        }

        /** Deletes the pid file (no holder any more), then releases the lock by closing its channel. */
        void release() {
            deleteQuietly(pidFile);
            closeQuietly(channel);
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Nothing left to do with a channel we are discarding.
                }
            }
        }
    }
}
