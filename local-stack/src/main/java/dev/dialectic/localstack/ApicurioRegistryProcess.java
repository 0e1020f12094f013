package dev.dialectic.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The real Apicurio Registry server (unpacked from Maven Central at build time) running as a child JVM of
 * this one on {@code 127.0.0.1:<port>}, serving the Confluent-compatible API at {@link #url()}.
 *
 * <p>Its output goes to {@code registry.log} in the directory given to {@link #start}; with
 * {@link Storage#FILE} its H2 database lives there too ({@code h2/}), so schemas and their ids survive a
 * restart, which matters because records in a kept broker carry those ids. It exits by itself if this JVM
 * dies (see {@link OrphanGuard}).
 *
 * <p>The server is found at {@code $DIALECTIC_APICURIO_HOME} or, by default, where the build unpacked it
 * ({@code local-stack/target/apicurio}).
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    /** Where the registry keeps its schemas. */
    public enum Storage {
        /** An H2 database in memory: empty at every start. */
        IN_MEMORY,
        /** An H2 database file under the registry's directory: kept across restarts. */
        FILE
    }

    /** Overrides where the unpacked Apicurio Registry server is. */
    public static final String HOME_ENV = "DIALECTIC_APICURIO_HOME";

    /** How long {@link #close} lets the registry shut down before killing it. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";

    private final ChildJvm jvm;
    private final int port;

    private ApicurioRegistryProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Starts the registry; returns without waiting for it to answer (see {@link #awaitReady}).
     *
     * @param port    the HTTP port on 127.0.0.1, which must be free
     * @param dir     the registry's directory (log, database with {@link Storage#FILE}), created if missing
     * @param storage in memory or in a file under {@code dir}
     * @throws StackException if the server is not where it should be or this JVM is older than 21
     */
    public static ApicurioRegistryProcess start(int port, Path dir, Storage storage) {
        if (Runtime.version().feature() < 21) {
            throw new StackException("Apicurio Registry needs Java 21 or newer; this is Java " + Runtime.version());
        }
        Path home = home();
        Path work = dir.toAbsolutePath();
        List<String> options = new ArrayList<>(List.of(
                "-Xmx512m",
                // quarkus-run.jar's manifest asks for these, but a manifest is only read with java -jar.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // The management interface (health, metrics) is on by default at 9000: two registries would clash.
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + Ports.freePort(),
                // Otherwise it exports traces to localhost:4317, where no collector runs.
                "-Dquarkus.otel.sdk.disabled=true",
                "-Dapicurio.storage.snapshot.location=" + work,
                "-Dapicurio.import.work-dir=" + work));
        if (storage == Storage.FILE) {
            options.add("-Dapicurio.datasource.url=jdbc:h2:file:" + work.resolve("h2").resolve("registry"));
        }
        ChildJvm jvm = ChildJvm.start("schema registry", options,
                // Only the server's own jar and the guard: our libraries would clash with the server's.
                List.of(home.resolve("quarkus-run.jar"), ChildJvm.orphanGuardClassDir(work.resolve("orphan-guard"))),
                QUARKUS_MAIN, List.of(), work.resolve("registry.log"), false);
        return new ApicurioRegistryProcess(jvm, port);
    }

    /**
     * The unpacked Apicurio Registry server: {@value #HOME_ENV} if set, otherwise the directory the build
     * recorded in {@code local-stack.properties}.
     *
     * @throws StackException if there is no {@code quarkus-run.jar} there
     */
    public static Path home() {
        String fromEnv = System.getenv(HOME_ENV);
        Path home = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : Path.of(buildProperty("apicurio.home"));
        if (!Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
            throw new StackException("Apicurio Registry is not unpacked at " + home
                    + "; build local-stack (./dialectic mvn -pl local-stack package) or set " + HOME_ENV);
        }
        return home;
    }

    private static String buildProperty(String key) {
        Properties properties = new Properties();
        try (InputStream in = ApicurioRegistryProcess.class.getResourceAsStream("local-stack.properties")) {
            if (in == null) {
                throw new StackException("local-stack.properties is missing from the class path; rebuild local-stack");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty(key);
    }

    /**
     * Waits until {@code GET <url>/subjects} answers 200.
     *
     * @throws StackException if the registry exits or does not answer within {@code timeout}; names the log
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            jvm.awaitUntil(deadline, () -> answers(http, probe));
        }
    }

    private static boolean answers(HttpClient http, HttpRequest probe) {
        try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The Confluent-compatible base URL, {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** Where the registry's output goes. */
    public Path logFile() {
        return jvm.logFile();
    }

    /** The process id of the registry JVM. */
    public long pid() {
        return jvm.pid();
    }

    /** Asks the registry to shut down (SIGTERM) without waiting; {@link #close} then waits. */
    public void requestStop() {
        jvm.requestStop();
    }

    /**
     * Stops the registry: SIGTERM, then SIGKILL if it has not exited after {@link #STOP_GRACE}.
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
}
