package dev.dialectic.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialectic.metrics.DialecticMetrics;
import dev.dialectic.metrics.PipelineMeters;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.SynthesisResult;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.schema.TaskStatus;
import dev.dialectic.schema.TokenChunk;
import dev.dialectic.topics.ConsumerThreads;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service shows live: one consumer per process reads {@code ledger}, {@code tokens}, {@code results},
 * {@code persona.results}, {@code dlq} and the keys of {@code tasks} ({@code read_committed}, no group: every
 * process reads every partition), keeps the recent events of the last tasks so a client that connects late first
 * gets what already happened, and hands new events to subscribers (the SSE streams). It also feeds
 * {@link PipelineMeters} with the records of the partitions this process's orchestrator owns, so the counters of
 * several processes add up.
 *
 * <p>It starts reading {@code historyWindow} back, so tasks already running when the service starts can be
 * watched too; metrics count only records written after the start.
 */
public final class LiveFeed implements AutoCloseable {

    /** What a subscriber receives: the task, the kind ({@code ledger}, {@code token}, {@code result}), the data. */
    public record Event(String taskId, String kind, JsonNode data) {

        /** Whether this event ends its task's stream. */
        public boolean last() {
            return RESULT.equals(kind);
        }
    }

    /** A subscription: events arrive on {@link #events()}; close it when done. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(SUBSCRIBER_QUEUE);
        private final Predicate<Event> filter;
        private volatile boolean overflowed;

        private Subscription(Predicate<Event> filter) {
            this.filter = filter;
        }

        /** The events, history first. */
        public BlockingQueue<Event> events() {
            return events;
        }

        /** Whether events were lost because the subscriber read too slowly (the stream should end). */
        public boolean overflowed() {
            return overflowed;
        }

        private void offer(Event event) {
            if (filter.test(event) && !events.offer(event)) {
                overflowed = true;
            }
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    /** A task as the feed knows it: the tenant, the newest ledger, the result once there is one. */
    public record TaskView(String taskId, String tenant, TaskLedger ledger, SynthesisResult result) {}

    static final String LEDGER = "ledger";
    static final String TOKEN = "token";
    static final String RESULT = "result";

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final int SUBSCRIBER_QUEUE = 10_000;
    /** Events kept per task: a long answer streams a few hundred chunks. */
    private static final int EVENTS_PER_TASK = 5_000;
    private static final Duration POLL = Duration.ofMillis(100);

    private final Topics topics;
    private final Deserializer<TaskLedger> ledgerValues;
    private final Deserializer<TokenChunk> tokensValues;
    private final Deserializer<SynthesisResult> resultsValues;
    private final Deserializer<PersonaResult> personaResultsValues;
    private final Map<TopicPartition, Long> startEnd;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PipelineMeters meters;
    private final IntPredicate ownsPartition;
    private final Instant startedAt = Instant.now();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Map<String, History> tasks; // guarded by this
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    private static final class History {
        String tenant;
        TaskLedger ledger;
        SynthesisResult result;
        Event heldResult;
        final List<Event> events = new ArrayList<>();
    }

    /**
     * Starts reading.
     *
     * @param ownsPartition whether this process's orchestrator owns a partition (of every topic keyed by task id)
     */
    public LiveFeed(Topics topics, Map<String, Object> clientConfig, ApiSettings settings, DialecticMetrics metrics,
            IntPredicate ownsPartition) {
        this.topics = topics;
        this.ledgerValues = topics.ledger().valueSerde().deserializer();
        this.tokensValues = topics.tokens().valueSerde().deserializer();
        this.resultsValues = topics.results().valueSerde().deserializer();
        this.personaResultsValues = topics.personaResults().valueSerde().deserializer();
        this.meters = new PipelineMeters(metrics.registry());
        this.ownsPartition = ownsPartition;
        int capacity = settings.historyTasks();
        this.tasks = new LinkedHashMap<>(capacity, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, History> eldest) {
                return size() > capacity;
            }
        };
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, topics.prefix() + "api-live-feed");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        metrics.bind(consumer);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.ledger().name(), topics.tokens().name(), topics.results().name(),
                topics.personaResults().name(), topics.dlq().name(), topics.tasks().name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> since = new HashMap<>();
        partitions.forEach(p -> since.put(p, startedAt.minus(settings.historyWindow()).toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since);
        List<TopicPartition> toEnd = new ArrayList<>();
        offsets.forEach((partition, offset) -> {
            if (offset == null) {
                toEnd.add(partition);
            } else {
                consumer.seek(partition, offset.offset());
            }
        });
        consumer.seekToEnd(toEnd);
        this.startEnd = consumer.endOffsets(partitions);
        this.thread = Thread.ofPlatform().name(topics.prefix() + "api-live-feed").daemon().start(this::run);
    }

    /**
     * Subscribes to one task: its history so far, then every new event, until its result.
     */
    public Subscription task(String taskId) {
        Subscription subscription = new Subscription(event -> event.taskId().equals(taskId));
        synchronized (this) {
            History history = tasks.get(taskId);
            if (history != null) {
                history.events.forEach(subscription::offer);
            }
            subscriptions.add(subscription);
        }
        return subscription;
    }

    /** Subscribes to every new result whose task {@code tenants} accepts (the tenant is null when unknown). */
    public Subscription results(Predicate<String> tenants) {
        Subscription subscription = new Subscription(event -> RESULT.equals(event.kind())
                && tenants.test(view(event.taskId()).map(TaskView::tenant).orElse(null)));
        subscriptions.add(subscription);
        return subscription;
    }

    /** What the feed knows of a task, if it is among the recent ones. */
    public synchronized Optional<TaskView> view(String taskId) {
        History history = tasks.get(taskId);
        return history == null ? Optional.empty()
                : Optional.of(new TaskView(taskId, history.tenant, history.ledger, history.result));
    }

    /** The most recent tasks first, at most {@code limit}, of the tenants {@code tenants} accepts. */
    public synchronized List<TaskView> recent(int limit, Predicate<String> tenants) {
        List<TaskView> views = new ArrayList<>();
        List<Map.Entry<String, History>> entries = new ArrayList<>(tasks.entrySet());
        for (int i = entries.size() - 1; i >= 0 && views.size() < limit; i--) {
            History history = entries.get(i).getValue();
            if (history.ledger != null && tenants.test(history.tenant)) {
                views.add(new TaskView(entries.get(i).getKey(), history.tenant, history.ledger, history.result));
            }
        }
        return views;
    }

    /** Whether the feed has read up to where the topics ended when it started, and is still reading. */
    public boolean ready() {
        return caughtUp && running && thread.isAlive();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    try {
                        handle(record);
                    } catch (RuntimeException e) {
                        log.warn("live feed: skipping record {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
                if (!caughtUp) {
                    caughtUp = consumer.assignment().stream().allMatch(this::atEnd);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("live feed stopped; the API's streams and metrics are stale until the service restarts", e);
        } finally {
            running = false;
            consumer.close(Duration.ZERO);
        }
    }

    private boolean atEnd(TopicPartition partition) {
        return consumer.position(partition) >= startEnd.getOrDefault(partition, 0L);
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        boolean counted = record.timestamp() >= startedAt.toEpochMilli() && ownsPartition.test(record.partition());
        if (topic.equals(topics.tasks().name())) {
            if (counted && record.key() != null) { // only the key (the task id) is needed: no value is decoded
                meters.submitted(new String(record.key(), StandardCharsets.UTF_8));
            }
        } else if (topic.equals(topics.dlq().name())) {
            if (counted) {
                meters.deadLetter(DeadLetters.header(record.headers(), DeadLetters.COMPONENT).orElse("unknown"));
            }
        } else if (topic.equals(topics.personaResults().name())) {
            PersonaResult result = decode(personaResultsValues, record);
            if (result != null && counted) {
                meters.personaResult(result);
            }
        } else if (topic.equals(topics.ledger().name())) {
            TaskLedger ledger = decode(ledgerValues, record);
            if (ledger != null) {
                if (counted) {
                    meters.ledger(ledger);
                }
                publish(ledger.getTaskId(), LEDGER, ledger, history -> {
                    history.ledger = ledger;
                    history.tenant = ledger.getAttributes().get(TaskRequests.TENANT_ATTRIBUTE);
                });
            }
        } else if (topic.equals(topics.tokens().name())) {
            TokenChunk chunk = decode(tokensValues, record);
            if (chunk != null) {
                publish(chunk.getTaskId(), TOKEN, chunk, history -> {});
            }
        } else if (topic.equals(topics.results().name())) {
            SynthesisResult result = decode(resultsValues, record);
            if (result != null) {
                if (counted) {
                    meters.result(result);
                }
                publish(result.getTaskId(), RESULT, result, history -> history.result = result);
            }
        }
    }

    private void publish(String taskId, String kind, Object value, Consumer<History> update) {
        Event event = new Event(taskId, kind, AvroJson.toJson(value));
        // Under the lock, so a subscriber gets each event once: from the history or live, never both.
        synchronized (this) {
            History history = tasks.computeIfAbsent(taskId, id -> new History());
            update.accept(history);
            if (event.last() && (history.ledger == null || !terminal(history.ledger))) {
                // The result and the final ledger are written in one transaction but to two topics, so either can
                // come first here; the result ends a stream, so it waits for the final ledger.
                history.heldResult = event;
                return;
            }
            append(history, event);
            if (LEDGER.equals(kind) && terminal(history.ledger) && history.heldResult != null) {
                append(history, history.heldResult);
                history.heldResult = null;
            }
        }
    }

    private void append(History history, Event event) {
        if (history.events.size() < EVENTS_PER_TASK || event.last()) {
            history.events.add(event);
        }
        for (Subscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    private static boolean terminal(TaskLedger ledger) {
        return ledger.getStatus() == TaskStatus.SUCCEEDED || ledger.getStatus() == TaskStatus.PARTIAL
                || ledger.getStatus() == TaskStatus.FAILED;
    }

    private static <V> V decode(Deserializer<V> values, ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? null : values.deserialize(record.topic(), record.headers(), record.value());
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.stop(consumer, thread);
    }
}
