package dev.dialectic.localstack.junit;

import dev.dialectic.localstack.ApicurioRegistryProcess;
import dev.dialectic.localstack.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TestStack} of one test JVM; see {@link LocalStackExtension}. */
final class SharedTestStack implements TestStack, AutoCloseable {

    /** Use this broker instead of starting one. */
    static final String BOOTSTRAP_SERVERS_ENV = "DIALECTIC_TEST_BOOTSTRAP_SERVERS";
    /** Use this Confluent-compatible registry instead of starting one. */
    static final String REGISTRY_URL_ENV = "DIALECTIC_TEST_REGISTRY_URL";

    private static final Logger LOG = LoggerFactory.getLogger(SharedTestStack.class);
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final String NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final TestBroker broker;
    private final Optional<ApicurioRegistryProcess> registry;
    private final String registryUrl;
    private final SharedAdmin admin;
    private final String runId;
    private final AtomicLong names = new AtomicLong();

    private SharedTestStack(TestBroker broker, Optional<ApicurioRegistryProcess> registry, String registryUrl) {
        this.broker = broker;
        this.registry = registry;
        this.registryUrl = registryUrl;
        this.admin = new SharedAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        this.runId = randomId(6);
    }

    /** Starts what the environment does not provide and waits until it answers. */
    static SharedTestStack start() {
        Instant started = Instant.now();
        Optional<String> externalBroker = env(BOOTSTRAP_SERVERS_ENV);
        Optional<String> externalRegistry = env(REGISTRY_URL_ENV);
        // The registry starts first and comes up in its own process while the broker starts.
        Optional<ApicurioRegistryProcess> registry = externalRegistry.isPresent() ? Optional.empty()
                : Optional.of(ApicurioRegistryProcess.start(Ports.freePort(), registryDir(),
                        ApicurioRegistryProcess.Storage.IN_MEMORY));
        TestBroker broker = null;
        try {
            broker = externalBroker.isPresent() ? TestBroker.external(externalBroker.get()) : TestBroker.start();
            registry.ifPresent(process -> process.awaitReady(READY_TIMEOUT));
            String registryUrl = externalRegistry.orElseGet(() -> registry.orElseThrow().url());
            SharedTestStack stack = new SharedTestStack(broker, registry, registryUrl);
            LOG.info("Test stack up in {} ms: Kafka {} ({}), registry {}", Duration.between(started, Instant.now()).toMillis(),
                    broker.bootstrapServers(), externalBroker.isPresent() ? "external" : broker.containerized() ? "container" : "a local process",
                    registryUrl);
            return stack;
        } catch (Exception e) {
            registry.ifPresent(ApicurioRegistryProcess::stop);
            if (broker != null) {
                broker.close();
            }
            throw new IllegalStateException("the test stack did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public String registryUrl() {
        return registryUrl;
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public void createTopics(int partitions, String... names) {
        List<String> topics = List.of(names);
        try {
            admin.createTopics(topics.stream().map(name -> new NewTopic(name, Optional.of(partitions), Optional.empty())).toList())
                    .values().forEach((name, created) -> awaitCreated(name, created));
            Instant deadline = Instant.now().plus(TOPIC_TIMEOUT);
            while (!allLed(topics, partitions)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("topics " + topics + " have no leaders after " + TOPIC_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topics, e);
        }
    }

    private static void awaitCreated(String name, KafkaFuture<Void> created) {
        try {
            created.get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " took over " + TOPIC_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Whether every topic is known with every partition led; throws on a partition count other than asked. */
    private boolean allLed(List<String> topics, int partitions) throws InterruptedException {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(topics).allTopicNames().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("could not describe " + topics + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            return false;
        }
        for (TopicDescription description : descriptions.values()) {
            if (description.partitions().size() != partitions) {
                throw new IllegalStateException("topic " + description.name() + " exists with "
                        + description.partitions().size() + " partitions, not " + partitions);
            }
            if (description.partitions().stream().map(TopicPartitionInfo::leader).anyMatch(leader -> leader == null || leader.isEmpty())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String uniqueName(String base) {
        return base + "-" + runId + "-" + names.incrementAndGet();
    }

    @Override
    public boolean containerized() {
        return broker.containerized();
    }

    @Override
    public void close() {
        registry.ifPresent(ApicurioRegistryProcess::requestStop);
        admin.shutdown();
        broker.close();
        registry.ifPresent(ApicurioRegistryProcess::stop);
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
    }

    /**
     * Under the module's {@code target/} when there is one (as under Maven), so the registry log is there
     * to read after a failed run; a temporary directory otherwise.
     */
    private static Path registryDir() {
        Path target = Path.of("target");
        try {
            return Files.isDirectory(target)
                    ? Files.createTempDirectory(target, "test-registry-")
                    : Files.createTempDirectory("dialectic-test-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for the test registry", e);
        }
    }

    private static String randomId(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
        }
        return id.toString();
    }

    /** The shared Admin client: {@code close} does nothing, so one test cannot break the others' client. */
    private static final class SharedAdmin extends ForwardingAdmin {

        SharedAdmin(Map<String, Object> configs) {
            super(configs);
        }

        @Override
        public void close(Duration timeout) {
            // Shared by every test of the run; closed by shutdown() when the run ends.
        }

        void shutdown() {
            super.close(Duration.ofSeconds(10));
        }
    }
}
