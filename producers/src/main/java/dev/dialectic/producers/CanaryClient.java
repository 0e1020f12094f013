package dev.dialectic.producers;

import dev.dialectic.canary.Setting;
import dev.dialectic.schema.Control;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the CLI's {@code canary} commands read and write: the records of {@code control} (the canary's live
 * settings), the ledger of a recent window, and the partition count of {@code tasks}.
 */
public final class CanaryClient {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration NO_PROGRESS = Duration.ofSeconds(15);

    private final Topics topics;
    private final Map<String, Object> properties;

    /** A client with {@code client}'s topics and Kafka settings. */
    public CanaryClient(DialecticClient client) {
        this.topics = client.topics();
        this.properties = client.clientProperties();
    }

    /**
     * One record of {@code control} as it was written: its setting, or why it could not be decoded.
     *
     * @param offset where it is on the topic
     * @param key the setting's name, from the record key
     * @param setting what it sets; null for a tombstone or an undecodable record
     * @param undecodable why it could not be decoded, or null
     */
    public record ControlEntry(long offset, String key, Setting setting, String undecodable) {}

    /** The partitions of {@code tasks}. */
    public int taskPartitions() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return partitions(consumer, topics.tasks().name()).size();
        }
    }

    /** Every record of {@code control}, oldest first (compaction keeps at least the newest of each setting). */
    public List<ControlEntry> controlHistory() {
        List<ControlEntry> entries = new ArrayList<>();
        var values = topics.control().valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topics.control().name());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            readToEnd(consumer, consumer.endOffsets(partitions), record -> {
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    entries.add(new ControlEntry(record.offset(), key, null, null));
                    return;
                }
                try {
                    Control control = values.deserialize(record.topic(), record.headers(), record.value());
                    entries.add(new ControlEntry(record.offset(), key, Setting.of(control), null));
                } catch (SerializationException | IllegalArgumentException | NullPointerException e) {
                    entries.add(new ControlEntry(record.offset(), key, null, e.getMessage()));
                }
            });
        }
        return entries;
    }

    /** Writes {@code settings} to {@code control}, in order, and waits until the broker has them all. */
    public void write(List<Setting> settings) {
        Map<String, Object> config = new HashMap<>(properties);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        var values = topics.control().valueSerde().serializer();
        try (KafkaProducer<String, Control> producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
            List<Future<?>> sent = new ArrayList<>();
            for (Setting setting : settings) {
                sent.add(producer.send(new ProducerRecord<>(topics.control().name(), setting.name(),
                        setting.toControl())));
            }
            for (var future : sent) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** Every ledger record written since {@code since}, as far as the ledger has them now. */
    public void ledgerSince(Instant since, Consumer<TaskLedger> onEach) {
        var values = topics.ledger().valueSerde().deserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topics.ledger().name());
            consumer.assign(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            partitions.forEach(p -> consumer.seek(p, offsets.get(p) == null ? end.get(p) : offsets.get(p).offset()));
            readToEnd(consumer, end, record -> {
                if (record.value() != null) {
                    try {
                        onEach.accept(values.deserialize(record.topic(), record.headers(), record.value()));
                    } catch (SerializationException | IllegalArgumentException e) {
                        // an undecodable ledger record tells nothing about the canary
                    }
                }
            });
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(properties);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; start the Dialectic service (it"
                    + " creates its topics) or check the topic prefix");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
            Consumer<ConsumerRecord<byte[], byte[]>> onEach) {
        long deadline = System.nanoTime() + NO_PROGRESS.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            var records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + NO_PROGRESS.toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new TimeoutException("reading " + end.keySet() + " made no progress for "
                        + NO_PROGRESS.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    onEach.accept(record);
                }
            }
        }
    }
}
