package dev.dialectic.api;

import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * Whether this process's orchestrator owns a partition of {@code tasks} (and so of every topic keyed by task id,
 * which all have the same partition count). Asked per record by the live feed; Kafka Streams' thread metadata is
 * read again at most once a second, so an assignment change is seen within about a second.
 */
final class OwnedPartitions implements IntPredicate {

    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final KafkaStreams streams;
    private final String tasksTopic;
    private Set<Integer> owned = Set.of();
    private long readAt = Long.MIN_VALUE;

    OwnedPartitions(KafkaStreams streams, String tasksTopic) {
        this.streams = streams;
        this.tasksTopic = tasksTopic;
    }

    @Override
    public synchronized boolean test(int partition) {
        long now = System.nanoTime();
        if (readAt == Long.MIN_VALUE || now - readAt > REFRESH_NANOS) {
            readAt = now;
            Set<Integer> partitions = new HashSet<>();
            try {
                for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                    for (TaskMetadata task : thread.activeTasks()) {
                        task.topicPartitions().stream().filter(p -> p.topic().equals(tasksTopic))
                                .forEach(p -> partitions.add(p.partition()));
                    }
                }
            } catch (IllegalStateException | StreamsException e) {
                // Not started, stopping or failed: it owns nothing now.
            }
            owned = Set.copyOf(partitions);
        }
        return owned.contains(partition);
    }
}
