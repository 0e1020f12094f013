package dev.dialectic.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic: its name, the serdes of its keys and values, and how it is created.
 *
 * <p>Everything that reads or writes a topic takes it from a {@link Topics} instance, so a topic's name and
 * its serdes can never disagree between the producer and the consumer side.
 *
 * @param name topic name, including the configured prefix
 * @param keySerde serde of record keys
 * @param valueSerde serde of record values
 * @param partitions partitions to create the topic with
 * @param replicationFactor replication factor to create the topic with; empty means the broker's default
 * @param configs topic-level configs to create it with (cleanup policy, retention, ...)
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(
        String name,
        Serde<K> keySerde,
        Serde<V> valueSerde,
        int partitions,
        Optional<Short> replicationFactor,
        Map<String, String> configs) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    /** The {@link NewTopic} that creates this topic with its partitions, replication and configs. */
    public NewTopic newTopic() {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configs);
    }

    @Override
    public String toString() {
        return name;
    }
}
