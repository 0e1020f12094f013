package dev.dialectic.producers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Small Kafka helpers for the integration tests. */
public final class Kafka {

    private Kafka() {}

    /** Every committed record of {@code topic} present now, partition by partition. */
    public static <V> List<ConsumerRecord<String, V>> readAll(String bootstrapServers, String topic, Deserializer<V> values) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false), new StringDeserializer(), values)) {
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

    /** Writes records of one type in transactions, as the orchestrator does. */
    public static final class TransactionalWriter<V> implements AutoCloseable {
        private final KafkaProducer<String, V> producer;
        private final String topic;

        public TransactionalWriter(String bootstrapServers, String topic, Serializer<V> values) {
            this.topic = topic;
            this.producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID()), new StringSerializer(), values);
            producer.initTransactions();
        }

        /** Writes {@code value} under {@code key} and commits. */
        public void commit(String key, V value) {
            write(key, value, null, true);
        }

        /** Writes {@code value} under {@code key}, then aborts. */
        public void abort(String key, V value) {
            write(key, value, null, false);
        }

        /** Writes {@code value} under {@code key} to {@code partition} and commits. */
        public void commitTo(int partition, String key, V value) {
            write(key, value, partition, true);
        }

        private void write(String key, V value, Integer partition, boolean commit) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, partition, key, value));
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush(); // the record reaches the log, so readers must skip it
                producer.abortTransaction();
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
