package dev.dialectic.localstack.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The broker and schema registry shared by all tests of one JVM (see {@link WithLocalStack}). Thread-safe.
 */
public interface TestStack {

    /** The broker's bootstrap servers, e.g. {@code localhost:40123}. */
    String bootstrapServers();

    /** The registry's Confluent-compatible base URL, e.g. {@code http://127.0.0.1:40124/apis/ccompat/v7}. */
    String registryUrl();

    /** An Admin client of the broker, shared: callers must not close it (closing it does nothing). */
    Admin admin();

    /**
     * Creates the topics with {@code partitions} partitions (and the broker's default replication) unless
     * they exist, and waits until every partition has a leader, so producers and consumers can use them at
     * once.
     *
     * @throws IllegalStateException if a topic exists with another partition count, or does not come up
     */
    void createTopics(int partitions, String... names);

    /**
     * {@code base} followed by a suffix unique to this call and this JVM run (e.g. {@code tasks-k3x9q2-7}),
     * for topics, group ids and subjects that isolate a test from the others sharing the broker and registry,
     * including earlier runs against a long-lived broker. Only characters legal in topic names are added.
     */
    String uniqueName(String base);

    /** Whether the broker is a Testcontainers container (Docker was available) rather than a local process. */
    boolean containerized();

    /**
     * Every record of {@code topic} (string keys) a {@code read_committed} consumer sees, from the beginning up to
     * the end the topic has now, partition by partition.
     */
    default <V> List<ConsumerRecord<String, V>> readAll(String topic, Deserializer<V> values) {
        return readAll(bootstrapServers(), topic, values);
    }

    /** The same as {@link #readAll(String, Deserializer)}, from the brokers at {@code bootstrapServers}. */
    static <V> List<ConsumerRecord<String, V>> readAll(String bootstrapServers, String topic, Deserializer<V> values) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }
}
