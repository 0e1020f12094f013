package dev.dialectic.producers;

import dev.dialectic.schema.ResultStatus;
import dev.dialectic.schema.Task;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stands in for the orchestrator: answers every task on {@code tasks} with its final ledger and its result,
 * in one transaction. A goal containing "fail" fails, one containing "partial" ends partial, others succeed.
 */
public final class FakeOrchestrator implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public FakeOrchestrator(String bootstrapServers, Topics topics) {
        KafkaConsumer<String, Task> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), topics.tasks().valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topics.tasks().name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fake-orchestrator-" + UUID.randomUUID()),
                new StringSerializer(), values(topics));
        producer.initTransactions();
        this.thread = Thread.ofPlatform().name("fake-orchestrator").start(() -> {
            try (consumer; producer) {
                while (running.get()) {
                    for (ConsumerRecord<String, Task> record : consumer.poll(Duration.ofMillis(100))) {
                        answer(producer, topics, record.value());
                    }
                }
            }
        });
    }

    private static void answer(KafkaProducer<String, Object> producer, Topics topics, Task task) {
        String goal = task.getGoal();
        ResultStatus status = goal.contains("fail") ? ResultStatus.FAILED
                : goal.contains("partial") ? ResultStatus.PARTIAL : ResultStatus.SUCCEEDED;
        String reason = status == ResultStatus.SUCCEEDED ? null : "stage antithesis failed: simulated outage";
        String text = status == ResultStatus.FAILED ? null : "Synthesis of: " + goal;
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topics.ledger().name(), task.getTaskId(),
                Records.ledger(task, TaskStatus.valueOf(status.name()), reason, 5)));
        var result = Records.result(task.getTaskId(), status, text, reason);
        result.setGoal(goal);
        result.setSubmittedAt(task.getSubmittedAt());
        producer.send(new ProducerRecord<>(topics.results().name(), task.getTaskId(), result));
        producer.commitTransaction();
    }

    /** One serializer for both value types, each by its topic's serde. */
    @SuppressWarnings("unchecked")
    private static Serializer<Object> values(Topics topics) {
        Serializer<Object> ledgers = (Serializer<Object>) (Serializer<?>) topics.ledger().valueSerde().serializer();
        Serializer<Object> results = (Serializer<Object>) (Serializer<?>) topics.results().valueSerde().serializer();
        return (topic, value) -> topic.equals(topics.ledger().name())
                ? ledgers.serialize(topic, value) : results.serialize(topic, value);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
