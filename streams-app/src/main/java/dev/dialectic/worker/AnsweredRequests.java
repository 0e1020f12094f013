package dev.dialectic.worker;

import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * look, so the cost falls on redeliveries only.
 *
 * <p>Redeliveries come in bursts: a dead worker's whole backlog returns at once. So a lookup does not scan the
 * partition for itself alone; it indexes every result it reads ({@code task, stage, attempt}) and the next
 * lookup in that partition only reads what was written since. An index nobody asked for a while is dropped, so
 * a long-running worker does not accumulate one. One consumer per process, used under a lock.
 */
final class AnsweredRequests implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    /** A lookup that takes longer than this gives up: calling the model again is the safe fallback. */
    private static final Duration MAX_LOOKUP = Duration.ofSeconds(10);
    /** How long an index outlives its last lookup. */
    private static final Duration INDEX_IDLE = Duration.ofMinutes(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<PersonaResult> results;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, PartitionIndex> indexes = new HashMap<>();
    private int partitions;

    AnsweredRequests(Map<String, Object> clientConfig, Topics topics, String workerId) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-answered-requests");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) POLL.toMillis());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topics.personaResults().name();
        this.results = topics.personaResults().valueSerde().deserializer();
    }

    /** The worker that already answered {@code request} (same task, stage and attempt), if one did. */
    Optional<String> find(PersonaRequest request) {
        byte[] key = request.getTaskId().getBytes(StandardCharsets.UTF_8);
        long requestedAt = request.getRequestedAt().toEpochMilli();
        lock.lock();
        try {
            long now = System.nanoTime();
            indexes.values().removeIf(index -> now - index.lastUsedNanos > INDEX_IDLE.toNanos());
            if (partitions == 0) {
                partitions = consumer.partitionsFor(topic).size();
            }
            TopicPartition partition = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions);
            PartitionIndex index = indexes.get(partition.partition());
            long giveUpAt = now + MAX_LOOKUP.toNanos();
            if (index == null) {
                long start = startOffset(partition, requestedAt);
                index = new PartitionIndex(requestedAt, start, start);
                indexes.put(partition.partition(), index);
            } else if (requestedAt < index.fromMillis) {
                // An older request than any before: index the stretch before what is indexed already.
                long start = startOffset(partition, requestedAt);
                if (read(partition, start, index.startOffset, index, giveUpAt) >= index.startOffset) {
                    index.fromMillis = requestedAt;
                    index.startOffset = start;
                }
            }
            index.lastUsedNanos = now;
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            index.nextOffset = read(partition, index.nextOffset, end, index, giveUpAt);
            return Optional.ofNullable(index.answeredBy.get(answerKey(request.getTaskId(), request.getStage(),
                    request.getAttempt())));
        } finally {
            lock.unlock();
        }
    }

    private long startOffset(TopicPartition partition, long fromMillis) {
        OffsetAndTimestamp from = consumer.offsetsForTimes(Map.of(partition, fromMillis)).get(partition);
        // Nothing written since then: only what comes from now on can be an answer.
        return from != null ? from.offset() : consumer.endOffsets(List.of(partition)).get(partition);
    }

    /** Indexes the results at offsets [from, to) of {@code partition}; returns how far it got before giving up. */
    private long read(TopicPartition partition, long from, long to, PartitionIndex index, long giveUpAtNanos) {
        if (from >= to) {
            return from;
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        long next = from;
        while (next < to && System.nanoTime() < giveUpAtNanos) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= to) {
                    break;
                }
                PersonaResult result = results.deserialize(topic, record.headers(), record.value());
                if (result != null) {
                    index.answeredBy.put(answerKey(result.getTaskId(), result.getStage(), result.getAttempt()),
                            result.getWorkerId());
                }
            }
            next = consumer.position(partition);
        }
        return Math.min(next, to);
    }

    private static String answerKey(String taskId, String stage, int attempt) {
        return taskId + '\u0000' + stage + '\u0000' + attempt;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /**
     * The answers in one partition of persona.results between {@code startOffset} (the first result written at
     * or after {@code fromMillis}) and {@code nextOffset}, by task, stage and attempt.
     */
    private static final class PartitionIndex {
        final Map<String, String> answeredBy = new HashMap<>();
        long fromMillis;
        long startOffset;
        long nextOffset;
        long lastUsedNanos;

        PartitionIndex(long fromMillis, long startOffset, long nextOffset) {
            this.fromMillis = fromMillis;
            this.startOffset = startOffset;
            this.nextOffset = nextOffset;
        }
    }
}
