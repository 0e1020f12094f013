package dev.dialectic.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A worker that died after producing a result but before acknowledging its request leaves the request to be
 * redelivered; the next worker must acknowledge it without calling the model again.
 */
@WithLocalStack
class RedeliveryTest {

    @Test
    void aRedeliveredRequestThatWasAlreadyAnsweredDoesNotCallTheModelAgain(TestStack stack) throws Exception {
        try (SchemaRegistryClient registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build()) {
            Topics topics = WorkerFixtures.thesisTopics(stack, registry, "redelivery");
            Topic<String, PersonaRequest> requests = topics.persona("thesis");

            PersonaRequest answered = WorkerFixtures.request("answered");
            PersonaRequest unanswered = WorkerFixtures.request("unanswered");
            Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            try (KafkaProducer<String, PersonaRequest> producer = new KafkaProducer<>(client,
                    requests.keySerde().serializer(), requests.valueSerde().serializer());
                    KafkaProducer<String, PersonaResult> results = new KafkaProducer<>(client,
                            topics.personaResults().keySerde().serializer(),
                            topics.personaResults().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(requests.name(), "answered", answered)).get();
                producer.send(new ProducerRecord<>(requests.name(), "unanswered", unanswered)).get();
                // The dead worker's result for the first request made it to the topic; its acknowledgement did not.
                results.send(new ProducerRecord<>(topics.personaResults().name(), "answered", result(answered))).get();
            }
            String group = PersonaWorker.groupId(topics, "thesis");
            assertThat(deliverOnceAndRelease(stack, group, requests.name(), Duration.ofSeconds(30)))
                    .containsExactlyInAnyOrder("answered", "unanswered");

            CountingProvider provider = new CountingProvider();
            try (Workers workers = WorkerFixtures.startThesisWorker(stack, topics, provider, "successor")) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> provider.calls.contains("unanswered"));
            }
            // Closing a worker releases whatever it did not acknowledge; both requests were acknowledged.
            assertThat(deliverOnceAndRelease(stack, group, requests.name(), Duration.ofSeconds(5))).isEmpty();
            assertThat(provider.calls).as("only the unanswered request reached the model")
                    .containsExactly("unanswered");
        }
    }

    /**
     * Acquires the group's available requests as a worker would and releases them, so that they come back with a
     * higher delivery count; returns their keys. Waits up to {@code wait} for two of them.
     */
    private static List<String> deliverOnceAndRelease(TestStack stack, String group, String topic, Duration wait)
            throws Exception {
        stack.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                .all().get();
        List<String> seen = new ArrayList<>();
        try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + wait.toNanos();
            while (seen.size() < 2 && System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
                    consumer.acknowledge(record, AcknowledgeType.RELEASE);
                }
            }
            consumer.commitSync();
        }
        return seen;
    }

    private static PersonaResult result(PersonaRequest request) {
        return PersonaResult.newBuilder().setTaskId(request.getTaskId()).setStage(request.getStage())
                .setPersona("thesis").setAttempt(request.getAttempt()).setStatus(ResultStatus.SUCCEEDED)
                .setText("already answered").setError(null).setProvider("test").setModel("m").setWorkerId("dead")
                .setStartedAt(Instant.now()).setFirstTokenAt(null).setFinishedAt(Instant.now()).setInputTokens(1)
                .setOutputTokens(1).setCallAttempts(1).setDeliveryCount(1).setCacheHit(false).build();
    }

    private static final class CountingProvider implements LlmProvider {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Completion complete(Prompt prompt, TokenSink tokens) {
            String goalLine = prompt.messages().getLast().content();
            calls.add(goalLine.contains("unanswered") ? "unanswered" : "answered");
            tokens.onToken("ok");
            return new Completion("ok", "m", 1, 1, Optional.of(Instant.now()));
        }
    }
}
