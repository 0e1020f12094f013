package dev.dialectic.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker and controller: one node of a {@link KafkaCluster}) running as a
 * child JVM of this one, on the same JDK and class path, listening on {@code localhost:<port>}.
 *
 * <p>Everything lives in the directory given to {@link #start}: {@code server.properties},
 * {@code log4j2.xml} (WARN), {@code broker.log} (the broker's output) and {@code data/} (the log dirs).
 * Starting again on the same directory keeps the topics and their records. The broker exits by itself if
 * this JVM dies (see {@link OrphanGuard}).
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    /** How long {@link #close} lets the broker shut down in a controlled way before killing it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /**
     * One node of a local cluster: a combined broker and controller.
     *
     * @param id             its {@code node.id}, from 1
     * @param port           its client port on 127.0.0.1
     * @param controllerPort its controller port on 127.0.0.1
     */
    public record Node(int id, int port, int controllerPort) {
    }

    private final ChildJvm jvm;
    private final Node node;

    private KafkaBrokerProcess(ChildJvm jvm, Node node) {
        this.jvm = jvm;
        this.node = node;
    }

    /**
     * Writes the configuration of {@code node} into {@code dir} and starts it; returns without waiting for it to
     * answer (see {@link #awaitReady}), so callers can start other things meanwhile.
     *
     * @param dir       the node's directory, created if missing; reuse it to keep the data
     * @param node      the node to start; its ports must be free
     * @param quorum    every node of the cluster (the controller quorum), {@code node} included
     * @param settings  broker settings beyond the listeners, ids and directories
     * @param clusterId the id the node's storage is formatted with if it is not formatted yet
     * @param appendLog whether to keep the output of earlier runs in {@code broker.log} (a restarted node)
     */
    static KafkaBrokerProcess start(Path dir, Node node, List<Node> quorum, Map<String, String> settings,
                                    String clusterId, boolean appendLog) {
        Path home = dir.toAbsolutePath();
        Path serverProperties = home.resolve("server.properties");
        Path log4jConfig = home.resolve("log4j2.xml");
        Path dataDir = home.resolve("data");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(serverProperties, serverProperties(node, quorum, settings, dataDir));
            Files.writeString(log4jConfig, LOG4J_CONFIG);
        } catch (IOException e) {
            throw new StackException("could not write the broker configuration into " + home + ": " + e.getMessage(), e);
        }
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED", "-Dlog4j2.configurationFile=" + log4jConfig.toUri()));
        if (Runtime.version().feature() >= 23) {
            // Kafka unmaps buffers through sun.misc.Unsafe; JDK 23+ warns about it in every log.
            jvmOptions.add("--sun-misc-unsafe-memory-access=allow");
        }
        String name = quorum.size() == 1 ? "Kafka broker" : "Kafka broker " + node.id();
        ChildJvm jvm = ChildJvm.start(name, jvmOptions,
                ChildJvm.currentClassPath(),
                KafkaBrokerMain.class.getName(),
                List.of(serverProperties.toString(), clusterId),
                home.resolve("broker.log"), appendLog);
        return new KafkaBrokerProcess(jvm, node);
    }

    /**
     * Waits until the broker accepts connections and answers an Admin {@code describeCluster}.
     *
     * @throws StackException if it exits or does not answer within {@code timeout}; names the log file
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        // A plain connect first: an Admin client polling a port nobody listens on yet logs a warning a try.
        jvm.awaitUntil(deadline, () -> Ports.accepts(node.port()));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000))) {
            jvm.awaitUntil(deadline, () -> answers(admin));
        }
    }

    private static boolean answers(Admin admin) {
        try {
            return !admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code localhost:<port>}. */
    public String bootstrapServers() {
        return "localhost:" + node.port();
    }

    /** Which node of its cluster this is. */
    public Node node() {
        return node;
    }

    /** Whether the broker JVM still runs. */
    public boolean isAlive() {
        return jvm.isAlive();
    }

    /** Where the broker's output goes. */
    public Path logFile() {
        return jvm.logFile();
    }

    /** The process id of the broker JVM. */
    public long pid() {
        return jvm.pid();
    }

    /** Asks the broker to shut down (SIGTERM) without waiting; {@link #close} then waits. */
    public void requestStop() {
        jvm.requestStop();
    }

    /**
     * Stops the broker: SIGTERM, which makes it shut down in a controlled way, then SIGKILL if it has not
     * exited after {@link #STOP_GRACE}.
     *
     * @return true if it shut down by itself
     */
    public boolean stop() {
        jvm.requestStop();
        return jvm.awaitStop(STOP_GRACE);
    }

    /** Kills the broker with SIGKILL, as a crash would (no controlled shutdown), and waits until it is gone. */
    public void kill() {
        jvm.kill();
    }

    /** Same as {@link #stop}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * The cluster id the first already formatted node directory of {@code nodeDirs} was formatted with, so a
     * restart matches it; a new one if none is formatted.
     */
    static String clusterId(List<Path> nodeDirs) {
        for (Path nodeDir : nodeDirs) {
            Path meta = nodeDir.toAbsolutePath().resolve("data").resolve("meta.properties");
            if (Files.isRegularFile(meta)) {
                Properties properties = new Properties();
                try (InputStream in = Files.newInputStream(meta)) {
                    properties.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not read " + meta, e);
                }
                String id = properties.getProperty("cluster.id");
                if (id != null && !id.isBlank()) {
                    return id;
                }
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static String serverProperties(Node node, List<Node> quorum, Map<String, String> settings, Path dataDir) {
        Map<String, String> config = new TreeMap<>(settings);
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(node.id()));
        // A static quorum: the voters come from this file, so the controller ports may change between starts of
        // the whole cluster (a node restarted on its own keeps them).
        config.put("controller.quorum.voters", quorum.stream()
                .map(voter -> voter.id() + "@127.0.0.1:" + voter.controllerPort())
                .collect(Collectors.joining(",")));
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + node.port() + ",CONTROLLER://127.0.0.1:" + node.controllerPort());
        config.put("advertised.listeners", "PLAINTEXT://localhost:" + node.port());
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        config.put("num.partitions", "1");
        StringBuilder text = new StringBuilder("# Written by dev.dialectic.localstack.KafkaBrokerProcess at every start.\n");
        config.forEach((key, value) -> text.append(key).append('=').append(escape(value)).append('\n'));
        return text.toString();
    }

    /** Escapes what {@link Properties#load} would otherwise read as an escape (Windows paths, mostly). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    /** WARN for everything, plus the broker's own started/stopped lines. */
    private static final String LOG4J_CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="warn" shutdownHook="disable">
              <Appenders>
                <Console name="out" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{ISO8601} %-5p [%c] %m%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="kafka.server.KafkaRaftServer" level="info"/>
                <Root level="warn">
                  <AppenderRef ref="out"/>
                </Root>
              </Loggers>
            </Configuration>
            """;
}
