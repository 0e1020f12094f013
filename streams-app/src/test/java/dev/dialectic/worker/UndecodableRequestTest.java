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
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A request a worker cannot decode goes to the dlq with the reason, and the share consumer that fetched it
 * goes on serving the requests behind it. Workers decode on the consumer's own thread, so a decoding failure
 * must not end that thread.
 */
@WithLocalStack
class UndecodableRequestTest {

    @Test
    void anUndecodableRequestGoesToTheDlqAndTheNextOneIsAnswered(TestStack stack) throws Exception {
        try (SchemaRegistryClient registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build()) {
            Topics topics = WorkerFixtures.thesisTopics(stack, registry, "undecodable");
            Topic<String, PersonaRequest> requests = topics.persona("thesis");

            Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(client, new ByteArraySerializer(),
                    new ByteArraySerializer());
                    KafkaProducer<String, PersonaRequest> producer = new KafkaProducer<>(client,
                            requests.keySerde().serializer(), requests.valueSerde().serializer())) {
                raw.send(new ProducerRecord<>(requests.name(), "garbage".getBytes(StandardCharsets.UTF_8),
                        "not avro".getBytes(StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>(requests.name(), "good", WorkerFixtures.request("good"))).get();
            }

            AtomicInteger calls = new AtomicInteger();
            LlmProvider provider = new LlmProvider() {
                @Override
                public String name() {
                    return "counting";
                }

                @Override
                public Completion complete(Prompt prompt, TokenSink tokens) {
                    calls.incrementAndGet();
                    return new Completion("ok", "m", 1, 1, Optional.of(Instant.now()));
                }
            };
            // One consumer: the good request can only be answered by the consumer that met the bad one.
            try (Workers workers = WorkerFixtures.startThesisWorker(stack, topics, provider, "w")) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !stack.readAll(topics.personaResults().name(),
                                topics.personaResults().valueSerde().deserializer()).isEmpty()
                                && !stack.readAll(topics.dlq().name(), new ByteArrayDeserializer()).isEmpty());
            }

            List<ConsumerRecord<String, PersonaResult>> results = stack.readAll(topics.personaResults().name(),
                    topics.personaResults().valueSerde().deserializer());
            assertThat(results).extracting(ConsumerRecord::key).containsExactly("good");
            List<ConsumerRecord<String, byte[]>> dead = stack.readAll(topics.dlq().name(), new ByteArrayDeserializer());
            assertThat(dead).hasSize(1);
            assertThat(DeadLetters.header(dead.getFirst().headers(), DeadLetters.REASON).orElseThrow())
                    .contains("not a decodable PersonaRequest");
            assertThat(calls).hasValue(1);
        }
    }
}
