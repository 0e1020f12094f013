package dev.dialectic.worker;

import dev.dialectic.llm.LlmProvider;
import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** What the worker tests against a real broker share: one-partition topics, a thesis worker, its requests. */
final class WorkerFixtures {

    private WorkerFixtures() {}

    /** Topics under a fresh prefix, with what a thesis worker reads and writes created on the broker. */
    static Topics thesisTopics(TestStack stack, SchemaRegistryClient registry, String base) {
        Topics topics = Topics.builder().prefix(stack.uniqueName(base) + ".").partitions(1).registry(registry).build();
        stack.createTopics(1, topics.persona("thesis").name(), topics.personaResults().name(), topics.tokens().name(),
                topics.dlq().name());
        return topics;
    }

    /**
     * A thesis worker of one share consumer (so one consumer meets every request) and 8 calls in flight,
     * answering with {@code provider}.
     */
    static Workers startThesisWorker(TestStack stack, Topics topics, LlmProvider provider, String workerId) {
        PersonaProfile profile = new PersonaProfile("thesis", provider, "m", "be brief", 100, 0,
                ModelGuard.unlimited("m"));
        WorkerSettings settings = new WorkerSettings(workerId, 8, 1, Duration.ofSeconds(10), RetryPolicy.defaults(),
                WorkerSettings.TokenBatching.defaults());
        return Workers.start(List.of(profile), settings, topics,
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), Map.of(),
                Duration.ofSeconds(5));
    }

    /** A first-attempt thesis request for {@code taskId}, due in a minute. */
    static PersonaRequest request(String taskId) {
        return PersonaRequest.newBuilder().setTaskId(taskId).setStage("thesis").setPersona("thesis").setAttempt(1)
                .setGoal("goal for " + taskId).setContext(null).setInputs(List.of()).setVariant("baseline")
                .setRequestedAt(Instant.now().minusSeconds(1)).setDeadlineAt(Instant.now().plusSeconds(60))
                .setAttributes(Map.of()).build();
    }
}
