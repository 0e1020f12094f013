package dev.dialectic.cache;

import dev.dialectic.schema.CacheEntry;
import dev.dialectic.serde.SchemaRegistryException;
import dev.dialectic.topics.ConsumerThreads;
import dev.dialectic.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache every instance shares, kept in the compacted {@code cache} topic: a reader thread fills this
 * process's {@link LocalCache} from the whole topic (so an answer recorded by any instance, before or after a
 * restart, is served here), and a writer thread publishes new entries and the tombstones of expired and evicted
 * ones.
 *
 * <p>Lookups only read memory: they never wait for the broker, so an unavailable or slow cache topic means misses
 * (entries not loaded yet), never a stalled orchestrator. Writes are queued to the writer thread and dropped (and
 * counted) when the queue is full or the broker refuses them. Entries and tombstones are written outside the
 * orchestrator's transactions on purpose: a cache topic fault must not fail a transaction, and an entry written
 * for a transaction that then aborts is still a true answer of the model. Several instances may tombstone the same
 * expired key; on a compacted topic that is harmless.
 */
public final class SharedCache implements CacheStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedCache.class);
    /** Writes waiting for the writer thread at most; more are dropped, so a dead broker cannot fill the heap. */
    private static final int MAX_QUEUED_WRITES = 10_000;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Topic<String, CacheEntry> topic;
    private final LocalCache local;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Deserializer<CacheEntry> decoder;
    private final Serializer<CacheEntry> encoder;
    private final ThreadPoolExecutor writer;
    private final ScheduledExecutorService sweeper;
    private final Thread reader;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile boolean running = true;

    private SharedCache(Topic<String, CacheEntry> topic, LocalCache local, Map<String, Object> clientConfig) {
        this.topic = topic;
        this.local = local;
        this.decoder = topic.valueSerde().deserializer();
        this.encoder = topic.valueSerde().serializer();
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Bounds how long the writer thread waits for a cache topic it cannot reach, before the write is dropped.
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_WRITES),
                Thread.ofPlatform().daemon().name("dialectic-cache-writer").factory(),
                (task, pool) -> local.stats().writeFailed());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("dialectic-cache-sweeper").factory());
        this.reader = Thread.ofPlatform().daemon().name("dialectic-cache-reader").unstarted(this::read);
    }

    /**
     * Starts reading {@code topic} into a cache under {@code policy}, and sweeping expired entries.
     *
     * @param clientConfig settings of every Kafka client (bootstrap servers, security)
     */
    public static SharedCache start(Topic<String, CacheEntry> topic, CachePolicy policy, CacheStats stats,
            Map<String, Object> clientConfig) {
        SharedCache cache = new SharedCache(topic, new LocalCache(policy, stats), clientConfig);
        cache.reader.start();
        long sweep = sweepInterval(policy).toMillis();
        cache.sweeper.scheduleWithFixedDelay(cache::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        return cache;
    }

    /** A quarter of the shortest ttl, between 100 ms and a minute: expired entries go soon after they expire. */
    static Duration sweepInterval(CachePolicy policy) {
        long shortest = policy.personas().stream().mapToLong(p -> policy.settings(p).ttl().toMillis()).min()
                .orElse(CacheSettings.DEFAULT_TTL.toMillis());
        return Duration.ofMillis(Math.clamp(shortest / 4, 100, 60_000));
    }

    /**
     * Waits up to {@code timeout} until the entries the topic held when this cache started are loaded.
     *
     * @return whether they are
     */
    public boolean awaitLoaded(Duration timeout) {
        try {
            return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Optional<CacheEntry> lookup(String key, String persona, long now) {
        return local.lookup(key, persona, now);
    }

    @Override
    public void write(String key, CacheEntry entry) {
        List<String> evicted = local.keep(key, entry);
        send(key, entry);
        evicted.forEach(old -> send(old, null));
    }

    /** The counts of this process. */
    public CacheStats stats() {
        return local.stats();
    }

    /** This process's copy of the entries. */
    public LocalCache local() {
        return local;
    }

    private void send(String key, CacheEntry entry) {
        try {
            writer.execute(() -> {
                try {
                    byte[] value = entry == null ? null : encoder.serialize(topic.name(), entry);
                    producer.send(new ProducerRecord<>(topic.name(), key, value), (metadata, e) -> {
                        if (e != null) {
                            local.stats().writeFailed();
                            log.debug("cache write of {} failed: {}", key, e.toString());
                        }
                    });
                } catch (RuntimeException e) {
                    local.stats().writeFailed();
                    log.debug("cache write of {} failed: {}", key, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            local.stats().writeFailed(); // closed
        }
    }

    private void sweep() {
        try {
            local.expire(System.currentTimeMillis()).forEach(key -> send(key, null));
        } catch (RuntimeException e) {
            log.warn("cache sweep failed; retrying at the next one", e);
        }
    }

    /** The reader thread: assigns every partition of the topic, reads it from the start, and keeps following it. */
    private void read() {
        Map<TopicPartition, Long> loadTarget = null;
        while (running) {
            try {
                if (loadTarget == null) {
                    List<PartitionInfo> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(5));
                    if (partitions == null || partitions.isEmpty()) {
                        LockSupport.parkNanos(RETRY.toNanos());
                        continue;
                    }
                    List<TopicPartition> assigned = partitions.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    consumer.assign(assigned);
                    consumer.seekToBeginning(assigned);
                    loadTarget = consumer.endOffsets(assigned, Duration.ofSeconds(5));
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                boolean retry = false;
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                        if (!apply(record)) {
                            consumer.seek(partition, record.offset()); // read it again once the registry answers
                            retry = true;
                            break;
                        }
                    }
                }
                if (retry) {
                    LockSupport.parkNanos(RETRY.toNanos());
                }
                if (loaded.getCount() > 0 && caughtUp(loadTarget)) {
                    loaded.countDown();
                    log.info("response cache loaded: {} entries from {}", local.index().size(), topic.name());
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("cannot read the cache topic {} ({}); the cache misses until it can", topic.name(),
                        e.toString());
                LockSupport.parkNanos(RETRY.toNanos());
            }
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> end : target.entrySet()) {
            if (consumer.position(end.getKey(), Duration.ofSeconds(5)) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * One record of the topic: an entry is kept, a tombstone forgets, an undecodable record is counted and forgets.
     *
     * @return false when the record must be read again: the registry that has its schema is unavailable
     */
    private boolean apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            local.stats().ignored();
            return true;
        }
        if (record.value() == null) {
            local.forget(record.key());
            return true;
        }
        CacheEntry entry;
        try {
            entry = decoder.deserialize(record.topic(), record.headers(), record.value());
        } catch (SchemaRegistryException e) {
            if (e.isUnavailable()) {
                log.warn("the schema registry is unavailable ({}); reading the cache topic again in {}",
                        e.getMessage(), RETRY);
                return false;
            }
            entry = null;
        } catch (RuntimeException e) {
            entry = null;
        }
        if (entry == null || entry.getPersona() == null || entry.getText() == null || entry.getCreatedAt() == null) {
            // What compaction will keep under this key is this record, so an older entry must not be served either.
            local.stats().ignored();
            local.forget(record.key());
            log.warn("ignored an undecodable record at {}-{}@{} of the cache topic", record.topic(), record.partition(),
                    record.offset());
            return true;
        }
        local.keep(record.key(), entry).forEach(old -> send(old, null));
        return true;
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.stop(consumer, reader);
        consumer.close(Duration.ofSeconds(5));
        sweeper.shutdownNow();
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
