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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running as a child JVM of this
 * one, on the same JDK and class path, listening on {@code localhost:<port>}.
 *
 * <p>Everything lives in the directory given to {@link #start}: {@code server.properties},
 * {@code log4j2.xml} (WARN), {@code broker.log} (the broker's output) and {@code data/} (the log dirs).
 * Starting again on the same directory keeps the topics and their records. The broker exits by itself if
 * this JVM dies (see {@link OrphanGuard}).
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    /** How long {@link #close} lets the broker shut down in a controlled way before killing it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ChildJvm jvm;
    private final int port;

    private KafkaBrokerProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Writes the configuration into {@code dir} and starts the broker; returns without waiting for it to
     * answer (see {@link #awaitReady}), so callers can start other things meanwhile.
     *
     * @param dir  the broker's directory, created if missing; reuse it to keep the data
     * @param port the client port on 127.0.0.1, which must be free; the controller takes a free port
     */
    public static KafkaBrokerProcess start(Path dir, int port) {
        Path home = dir.toAbsolutePath();
        Path serverProperties = home.resolve("server.properties");
        Path log4jConfig = home.resolve("log4j2.xml");
        Path dataDir = home.resolve("data");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(serverProperties, serverProperties(port, Ports.freePort(), dataDir));
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
        ChildJvm jvm = ChildJvm.start("Kafka broker", jvmOptions,
                ChildJvm.currentClassPath(),
                KafkaBrokerMain.class.getName(),
                List.of(serverProperties.toString(), clusterId(dataDir)),
                home.resolve("broker.log"));
        return new KafkaBrokerProcess(jvm, port);
    }

    /**
     * Waits until the broker accepts connections and answers an Admin {@code describeCluster}.
     *
     * @throws StackException if it exits or does not answer within {@code timeout}; names the log file
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        // A plain connect first: an Admin client polling a port nobody listens on yet logs a warning a try.
        jvm.awaitUntil(deadline, () -> Ports.accepts(port));
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
        return "localhost:" + port;
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

    /** Same as {@link #stop}. */
    @Override
    public void close() {
        stop();
    }

    /** The cluster id of an already formatted data dir, so a restart matches it; a new one otherwise. */
    private static String clusterId(Path dataDir) {
        Path meta = dataDir.resolve("meta.properties");
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
        return Uuid.randomUuid().toString();
    }

    private static String serverProperties(int port, int controllerPort, Path dataDir) {
        Map<String, String> config = new TreeMap<>(SingleNodeBrokerConfig.SETTINGS);
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        // A static quorum: the voters come from this file, so the controller port may change between starts.
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
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
