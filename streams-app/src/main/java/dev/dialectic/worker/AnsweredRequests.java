package dev.dialectic.worker;

import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Answers "was this request already answered?" for redelivered requests, so that a worker that crashed after
 * producing a result but before acknowledging the request does not make the next worker call the model again.
 *
 * <p>It looks in {@code persona.results} itself: only in the partition the task id hashes to (results are keyed
 * by task id with the default partitioner), only from the time the request was made. First deliveries never
 * look, so the cost falls on the rare redelivery only. One consumer per process, used under a lock.
 */
final class AnsweredRequests implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);
    /** A lookup that takes longer than this gives up: calling the model again is the safe fallback. */
    private static final Duration MAX_LOOKUP = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<PersonaResult> results;
    private final ReentrantLock lock = new ReentrantLock();
    private int partitions;

    AnsweredRequests(Map<String, Object> clientConfig, Topics topics, String workerId) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-answered-requests");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topics.personaResults().name();
        this.results = topics.personaResults().valueSerde().deserializer();
    }

    /** The result already produced for {@code request} (same task, stage and attempt), if there is one. */
    Optional<PersonaResult> find(PersonaRequest request) {
        byte[] key = request.getTaskId().getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (partitions == 0) {
                partitions = consumer.partitionsFor(topic).size();
            }
            TopicPartition partition = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
            consumer.assign(List.of(partition));
            OffsetAndTimestamp from = consumer.offsetsForTimes(
                    Map.of(partition, request.getRequestedAt().toEpochMilli())).get(partition);
            if (from == null) {
                return Optional.empty(); // nothing was written since the request was made
            }
            consumer.seek(partition, from.offset());
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long giveUpAt = System.nanoTime() + MAX_LOOKUP.toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < giveUpAt) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (Arrays.equals(record.key(), key)) {
                        PersonaResult result = results.deserialize(topic, record.headers(), record.value());
                        if (result != null && result.getStage().equals(request.getStage())
                                && result.getAttempt() == request.getAttempt()) {
                            return Optional.of(result);
                        }
                    }
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
