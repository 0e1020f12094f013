package dev.dialectic.localstack.junit;

import dev.dialectic.localstack.KafkaCluster;
import dev.dialectic.localstack.Ports;
import dev.dialectic.localstack.SingleNodeBrokerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** The broker of a {@link SharedTestStack}: external, a container, or a local broker process. */
final class TestBroker implements AutoCloseable {

    /** Overrides the container image; by default the image of the Kafka version on the class path. */
    static final String IMAGE_ENV = "DIALECTIC_TEST_KAFKA_IMAGE";

    private static final Logger LOG = LoggerFactory.getLogger(TestBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

    private final String bootstrapServers;
    private final boolean containerized;
    private final AutoCloseable resource;

    private TestBroker(String bootstrapServers, boolean containerized, AutoCloseable resource) {
        this.bootstrapServers = bootstrapServers;
        this.containerized = containerized;
        this.resource = resource;
    }

    /** A broker someone else runs; closing it does nothing. */
    static TestBroker external(String bootstrapServers) {
        return new TestBroker(bootstrapServers, false, () -> { });
    }

    /** A container where Docker answers, otherwise a local broker process. Returns once it is ready. */
    static TestBroker start() throws Exception {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return container();
        }
        LOG.info("Docker is not available: the test broker runs as a local process");
        return process();
    }

    private static TestBroker container() {
        String image = System.getenv().getOrDefault(IMAGE_ENV, "apache/kafka:" + kafkaVersion());
        KafkaContainer container = new KafkaContainer(image);
        // The apache/kafka image turns KAFKA_FOO_BAR into the broker setting foo.bar.
        SingleNodeBrokerConfig.SETTINGS.forEach((key, value) ->
                container.withEnv("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        container.start();
        return new TestBroker(container.getBootstrapServers(), true, container::stop);
    }

    /**
     * A broker process on free ports, in a fresh directory removed again on close. A process and not Kafka's
     * in-JVM test kit: the 4.4.0 test kit needs kafka-clients' test jar (for SSL helpers it builds even for
     * plaintext clusters), and Maven Central does not serve that jar for 4.4.0.
     */
    private static TestBroker process() throws IOException {
        Path dir = Files.createTempDirectory("dialectic-test-broker");
        KafkaCluster broker = KafkaCluster.start(dir, List.of(Ports.freePort()));
        try {
            broker.awaitReady(READY_TIMEOUT);
        } catch (RuntimeException e) {
            broker.close();
            deleteQuietly(dir);
            throw e;
        }
        return new TestBroker(broker.bootstrapServers(), false, () -> {
            broker.close();
            deleteQuietly(dir);
        });
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete the test broker's directory {}: {}", dir, e.toString());
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    boolean containerized() {
        return containerized;
    }

    /** Stops a broker this class started; a failure to stop is logged, since the test run is over anyway. */
    @Override
    public void close() {
        try {
            resource.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while stopping the test broker", e);
        } catch (Exception e) {
            LOG.warn("Stopping the test broker failed", e);
        }
    }

    /**
     * The version of the Kafka client on the class path, read from the properties file its jar carries: the
     * class that used to expose it moved to an internal package in Kafka 4.4 (KAFKA-20297).
     */
    static String kafkaVersion() {
        try (InputStream in = TestBroker.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "latest");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
