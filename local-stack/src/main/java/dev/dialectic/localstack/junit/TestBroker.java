package dev.dialectic.localstack.junit;

import dev.dialectic.localstack.SingleNodeBrokerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** The broker of a {@link SharedTestStack}: external, a container, or in this JVM. */
final class TestBroker implements AutoCloseable {

    /** Overrides the container image; by default the image of the Kafka version on the class path. */
    static final String IMAGE_ENV = "DIALECTIC_TEST_KAFKA_IMAGE";

    private static final Logger LOG = LoggerFactory.getLogger(TestBroker.class);

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

    /** A container where Docker answers, otherwise a broker in this JVM. Returns once it is ready. */
    static TestBroker start() throws Exception {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return container();
        }
        LOG.info("Docker is not available: the test broker runs in this JVM");
        return inJvm();
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

    private static TestBroker inJvm() throws Exception {
        // The test kit bootstraps only metadata.version; without the other production features at their
        // defaults (as `kafka-storage format` writes them) share groups and transactions v2 stay disabled.
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = new HashMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            if (feature != Feature.KRAFT_VERSION) {
                features.put(feature.featureName(), feature.defaultLevel(version));
            }
        }
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadata(BootstrapMetadata.fromVersions(version, features, "dialectic test broker"))
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        SingleNodeBrokerConfig.SETTINGS.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return new TestBroker(cluster.bootstrapServers(), false, cluster);
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
