package dev.dialectic.api;

import dev.dialectic.metrics.DialecticMetrics;
import dev.dialectic.schema.Task;
import dev.dialectic.tasks.TaskRules;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes the API's tasks to {@code tasks}, keyed by task id, with an idempotent producer and {@code acks=all}:
 * {@link #submit} returns once every task is durable, as the CLI's client does. Re-submitting an id is harmless:
 * the orchestrator ignores a task id it knows. Thread-safe.
 */
public final class TaskSubmitter implements AutoCloseable {

    private final Topics topics;
    private final TaskRules rules;
    private final KafkaProducer<String, Task> producer;

    public TaskSubmitter(Topics topics, TaskRules rules, Map<String, Object> clientConfig, DialecticMetrics metrics) {
        this.topics = topics;
        this.rules = rules;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, topics.prefix() + "api-tasks");
        this.producer = new KafkaProducer<>(config, topics.tasks().keySerde().serializer(),
                topics.tasks().valueSerde().serializer());
        metrics.bind(producer);
    }

    /** The rules a task must meet: the orchestrator's. */
    public TaskRules rules() {
        return rules;
    }

    /**
     * Sends every task, pipelined, and waits until all are durable.
     *
     * @throws Problem.ProblemException a 503 if a task could not be written (those written stay submitted;
     *     sending the same tasks again is safe)
     */
    public void submit(List<Task> tasks) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(tasks.size());
        try {
            for (Task task : tasks) {
                sends.add(producer.send(new ProducerRecord<>(topics.tasks().name(), task.getTaskId(), task)));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        } catch (ExecutionException e) {
            throw Problem.unavailable("the tasks could not be written to Kafka ("
                    + e.getCause().getClass().getSimpleName() + "); submitting them again is safe").exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted while writing the tasks; submitting them again is safe").exception();
        } catch (RuntimeException e) {
            throw Problem.unavailable("the tasks could not be written to Kafka (" + e.getClass().getSimpleName()
                    + "); submitting them again is safe").exception();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
