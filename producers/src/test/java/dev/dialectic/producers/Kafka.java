package dev.dialectic.producers;

import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Small Kafka helpers for the integration tests. */
public final class Kafka {

    private Kafka() {}

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
