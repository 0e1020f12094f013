package dev.dialectic.worker;

import static org.awaitility.Awaitility.await;

import dev.dialectic.llm.Completion;
import dev.dialectic.llm.LlmProvider;
import dev.dialectic.llm.Prompt;
import dev.dialectic.llm.TokenSink;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.localstack.junit.WithLocalStack;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.serde.RestSchemaRegistryClient;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.topics.Topic;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** {@link PersonaWorker#inFlight()} counts the calls being served, not the room a fetch reserved. */
@WithLocalStack
class InFlightTest {

    @Test
    void inFlightCountsTheCallsBeingServed(TestStack stack) throws Exception {
        try (SchemaRegistryClient registry = RestSchemaRegistryClient.builder(stack.registryUrl()).build()) {
            Topics topics = WorkerFixtures.thesisTopics(stack, registry, "in-flight");
            Topic<String, PersonaRequest> requests = topics.persona("thesis");
            CountDownLatch answer = new CountDownLatch(1);
            LlmProvider held = new LlmProvider() {
                @Override
                public String name() {
                    return "held";
                }

                @Override
                public Completion complete(Prompt prompt, TokenSink tokens) throws InterruptedException {
                    answer.await();
                    return new Completion("ok", "m", 1, 1, Optional.of(Instant.now()));
                }
            };
            try (Workers workers = WorkerFixtures.startThesisWorker(stack, topics, held, "w");
                    KafkaProducer<String, PersonaRequest> producer = new KafkaProducer<>(
                            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                            requests.keySerde().serializer(), requests.valueSerde().serializer())) {
                PersonaWorker worker = workers.workers().getFirst();
                // The worker's one consumer reserves room for a whole batch (8) before it has any request.
                await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == 0);
                for (String id : new String[] {"a", "b", "c"}) {
                    producer.send(new ProducerRecord<>(requests.name(), id, WorkerFixtures.request(id))).get();
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.inFlight() == 3);
                answer.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> worker.inFlight() == 0);
            }
        }
    }
}
