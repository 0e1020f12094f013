package dev.dialectic.worker;

import dev.dialectic.localstack.junit.TestStack;
import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.serde.SchemaRegistryClient;
import dev.dialectic.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the worker tests against a real broker share: one-partition topics of a thesis worker, and requests. */
final class WorkerFixtures {

    private WorkerFixtures() {}

    /** Topics under a fresh prefix, with what a thesis worker reads and writes created on the broker. */
    static Topics thesisTopics(TestStack stack, SchemaRegistryClient registry, String base) {
        Topics topics = Topics.builder().prefix(stack.uniqueName(base) + ".").partitions(1).registry(registry).build();
        stack.createTopics(1, topics.persona("thesis").name(), topics.personaResults().name(), topics.tokens().name(),
                topics.dlq().name());
        return topics;
    }

    /** A first-attempt thesis request for {@code taskId}, due in a minute. */
    static PersonaRequest request(String taskId) {
        return PersonaRequest.newBuilder().setTaskId(taskId).setStage("thesis").setPersona("thesis").setAttempt(1)
                .setGoal("goal for " + taskId).setContext(null).setInputs(List.of()).setVariant("baseline")
                .setRequestedAt(Instant.now().minusSeconds(1)).setDeadlineAt(Instant.now().plusSeconds(60))
                .setAttributes(Map.of()).build();
    }
}
