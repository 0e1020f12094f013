package dev.dialectic.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack as {@code ./dialectic stack start} runs it: real broker and registry processes. */
class LocalStackTest {

    private static final String TOPIC = "kept-across-restarts";
    private static final String SUBJECT = "kept-across-restarts-value";

    @TempDir
    Path dataDir;

    @Test
    void startsAnswersStopsCleanlyAndKeepsTopicsRecordsAndSchemasAcrossARestart() throws Exception {
        int kafkaPort = Ports.freePort();
        LocalStack.Options options = new LocalStack.Options(dataDir, kafkaPort, freePortOtherThan(kafkaPort));

        List<ProcessHandle> firstPieces;
        try (LocalStack stack = LocalStack.start(options)) {
            Properties published = load(dataDir.resolve(LocalStack.PROPERTIES_FILE));
            assertThat(published.getProperty("bootstrap.servers")).isEqualTo("localhost:" + options.kafkaPort());
            assertThat(published.getProperty("schema.registry.url"))
                    .isEqualTo("http://127.0.0.1:" + options.registryPort() + "/apis/ccompat/v7");
            assertThat(published.getProperty("pid")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(LocalStack.status(dataDir)).hasValueSatisfying(status -> {
                assertThat(status.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(status.ready()).isPresent();
            });
            assertThatThrownBy(() -> LocalStack.start(options))
                    .isInstanceOf(StackException.class)
                    .hasMessageContaining("a stack is already running on " + options.dataDir());
            // Another process, as './dialectic stack status' runs it, still sees the stack after our own probes.
            assertThat(statusFromAnotherProcess()).startsWith("The local stack on " + options.dataDir()
                    + " (pid " + ProcessHandle.current().pid() + ") is running.");

            try (Admin admin = admin(stack)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            produce(stack, "before the restart");
            assertThat(registerSchema(stack.registryUrl()).statusCode()).isEqualTo(200);

            firstPieces = List.of(ProcessHandle.of(stack.brokerPid()).orElseThrow(),
                    ProcessHandle.of(stack.registryPid()).orElseThrow());
            assertThat(stack.stop()).as("both pieces shut down by themselves").isTrue();
        }

        assertThat(firstPieces).noneMatch(ProcessHandle::isAlive);
        assertThat(dataDir.resolve(LocalStack.PROPERTIES_FILE)).doesNotExist();
        assertThat(LocalStack.status(dataDir)).isEmpty();
        assertThat(Ports.isFree(options.kafkaPort())).isTrue();
        assertThat(Ports.isFree(options.registryPort())).isTrue();

        try (LocalStack again = LocalStack.start(options)) {
            try (Admin admin = admin(again)) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            assertThat(consumeAll(again)).containsExactly("before the restart");
            assertThat(subjects(again.registryUrl())).contains("\"" + SUBJECT + "\"");
        }
    }

    private String statusFromAnotherProcess() throws Exception {
        Process status = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), LocalStackCommand.class.getName(),
                "status", "--data-dir", dataDir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(status.getInputStream().readAllBytes());
        assertThat(status.waitFor()).as(output).isZero();
        return output;
    }

    static int freePortOtherThan(int taken) {
        // Two calls may hand out the same port when nothing binds it in between.
        int port;
        do {
            port = Ports.freePort();
        } while (port == taken);
        return port;
    }

    private static Admin admin(LocalStack stack) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    private static void produce(LocalStack stack, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "key", value)).get();
        }
    }

    private static List<String> consumeAll(LocalStack stack) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                return !values.isEmpty();
            });
        }
        return values;
    }

    private static HttpResponse<String> registerSchema(String registryUrl) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + SUBJECT + "/versions"))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String subjects(String registryUrl) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }
}
