package dev.dialectic.localstack.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dialectic.localstack.SingleNodeBrokerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithLocalStack
class LocalStackExtensionTest {

    private final TestStack stack;
    private TestStack stackBeforeEach;

    LocalStackExtensionTest(TestStack stack) {
        this.stack = stack;
    }

    @BeforeEach
    void rememberStack(TestStack stack) {
        stackBeforeEach = stack;
    }

    @Test
    void constructorsLifecycleMethodsAndTestsShareOneStack(TestStack fromTestMethod) {
        assertThat(fromTestMethod).isSameAs(stack).isSameAs(stackBeforeEach);
    }

    @Test
    void aRecordRoundTripsThroughTheBroker() throws Exception {
        String topic = stack.uniqueName("round-trip");
        stack.createTopics(1, topic);

        RecordMetadata written;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            written = producer.send(new ProducerRecord<>(topic, "task-1", "thesis")).get();
        }

        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
        }
        assertThat(read).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("task-1");
            assertThat(record.value()).isEqualTo("thesis");
            assertThat(record.offset()).isEqualTo(written.offset());
        });
    }

    @Test
    void shareGroupsWorkOnTheBroker() throws Exception {
        String topic = stack.uniqueName("queue");
        String group = stack.uniqueName("share-group");
        stack.createTopics(1, topic);
        stack.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                .all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "task-1", "request")).get();
        }
        List<String> received = new ArrayList<>();
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.value());
                    consumer.acknowledge(record, AcknowledgeType.ACCEPT);
                }
                return !received.isEmpty();
            });
            consumer.commitSync();
        }
        assertThat(received).containsExactly("request");
    }

    @Test
    void theRegistryAcceptsASchemaAndListsItsSubject() throws Exception {
        String subject = stack.uniqueName("registry-test") + "-value";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects/" + subject + "/versions"))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).isEqualTo(200);
            assertThat(registered.body()).matches("\\{\"id\":\\d+}");

            HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + "/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.statusCode()).isEqualTo(200);
            assertThat(subjects.body()).contains("\"" + subject + "\"");
        }
    }

    @Test
    void createTopicsIsIdempotentAndRefusesAnotherPartitionCount() throws Exception {
        String topic = stack.uniqueName("idempotent");
        stack.createTopics(3, topic);
        stack.createTopics(3, topic);

        assertThat(stack.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
        assertThatThrownBy(() -> stack.createTopics(2, topic))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists with 3 partitions, not 2");
    }

    @Test
    void uniqueNamesDifferAndAreLegalTopicNames() {
        String first = stack.uniqueName("tasks");
        String second = stack.uniqueName("tasks");

        assertThat(first).isNotEqualTo(second).startsWith("tasks-").matches("[a-zA-Z0-9._-]+");
        assertThat(second).startsWith("tasks-").matches("[a-zA-Z0-9._-]+");
    }

    @Test
    void closingTheSharedAdminLeavesItUsable() throws Exception {
        String topic = stack.uniqueName("admin-close");
        stack.createTopics(1, topic);

        stack.admin().close();

        assertThat(stack.admin().listTopics().names().get()).contains(topic);
    }

    @Test
    void shareGroupsMayUseOneSecondLocksButNoLess() throws Exception {
        String group = stack.uniqueName("share-lock");
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        String lowest = Integer.toString(SingleNodeBrokerConfig.MIN_SHARE_RECORD_LOCK_DURATION_MS);

        stack.admin().incrementalAlterConfigs(Map.of(resource, lockDuration(lowest))).all().get();

        ConfigEntry entry = stack.admin().describeConfigs(Set.of(resource)).all().get().get(resource)
                .get("share.record.lock.duration.ms");
        assertThat(entry.value()).isEqualTo(lowest);
        assertThatThrownBy(() -> stack.admin().incrementalAlterConfigs(Map.of(resource, lockDuration("999"))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    private static Collection<AlterConfigOp> lockDuration(String millis) {
        return List.of(new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms", millis), AlterConfigOp.OpType.SET));
    }
}
