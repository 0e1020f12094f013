package dev.dialectic.bench;

import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.topics.ConsumerThreads;
import dev.dialectic.topics.Topic;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code results} as a downstream service would ({@code read_committed}, default fetch settings) from
 * its end at creation on, on a thread of its own, and notes when each task's result first became visible.
 */
final class ResultWatcher implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration AWAIT_STEP = Duration.ofMillis(50);

    private final KafkaConsumer<String, SynthesisResult> consumer;
    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile Consumer<Arrival> listener = arrival -> { };
    private volatile boolean running = true;

    /** Starts reading {@code results} from its current end. */
    ResultWatcher(Map<String, Object> clientConfig, Topic<String, SynthesisResult> results) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, results.name() + "-bench-reader");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), results.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(results.name()).stream()
                .map(p -> new TopicPartition(results.name(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the end now, so nothing written from here on is missed
        this.thread = Thread.ofPlatform().name("bench-results-reader").daemon().start(this::run);
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                long nanos = System.nanoTime();
                long millis = System.currentTimeMillis();
                for (ConsumerRecord<String, SynthesisResult> record : records) {
                    Arrival arrival = new Arrival(record.key(), record.value().getStatus(), nanos, millis);
                    if (arrivals.putIfAbsent(record.key(), arrival) == null) {
                        listener.accept(arrival);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    /** Calls {@code onArrival} on the reader's thread for every result seen from now on; keep it short. */
    void onArrival(Consumer<Arrival> onArrival) {
        this.listener = onArrival;
    }

    /** When {@code taskId}'s result was first seen, or null. */
    Arrival arrival(String taskId) {
        return arrivals.get(taskId);
    }

    /** How many distinct results were seen. */
    int seen() {
        return arrivals.size();
    }

    /**
     * Waits until the results of all {@code taskIds} were seen or {@code timeout} passed.
     *
     * @return the ids still without a result
     */
    Set<String> awaitAll(Collection<String> taskIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing = taskIds.stream().filter(id -> !arrivals.containsKey(id)).collect(Collectors.toSet());
        while (!missing.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(AWAIT_STEP);
            missing.removeIf(arrivals::containsKey);
        }
        return missing;
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.stop(consumer, thread);
        consumer.close(Duration.ofSeconds(5));
    }
}
