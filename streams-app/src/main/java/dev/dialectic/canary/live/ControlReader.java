package dev.dialectic.canary.live;

import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.schema.Control;
import dev.dialectic.topics.ConsumerThreads;
import dev.dialectic.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary's settings in force in this process: every record of the compacted {@code control} topic, from its
 * start, applied by {@link ControlRules} as it arrives (a record that cannot be applied changes nothing; the
 * decision-maker puts it in the dlq). Every orchestrator instance runs one, so a change reaches all of them as
 * soon as their reader fetches it (well within a second), and a restarted instance resumes from the topic before
 * it accepts its first task.
 */
public final class ControlReader implements Supplier<CanaryState>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlReader.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final AtomicReference<CanaryState> state = new AtomicReference<>(CanaryState.INITIAL);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Deserializer<Control> values;
    private final ControlRules rules;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    private ControlReader(Map<String, Object> clientConfig, Topics topics, ControlRules rules) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.partition = new TopicPartition(topics.control().name(), 0);
        this.values = topics.control().valueSerde().deserializer();
        this.rules = rules;
        this.thread = Thread.ofPlatform().name("canary-control-reader").daemon().unstarted(this::run);
    }

    /**
     * Starts reading {@code control}, and returns once every record that was on it at the start has been applied.
     *
     * @throws IllegalStateException if that takes longer than {@code catchUp}
     */
    public static ControlReader start(Map<String, Object> clientConfig, Topics topics, ControlRules rules,
            Duration catchUp) {
        ControlReader reader = new ControlReader(clientConfig, topics, rules);
        reader.thread.start();
        try {
            if (!reader.caughtUp.await(catchUp.toMillis(), TimeUnit.MILLISECONDS)) {
                reader.close();
                throw new IllegalStateException("could not read the canary's settings from " + topics.control().name()
                        + " within " + catchUp.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reader.close();
            throw new IllegalStateException("interrupted while reading " + topics.control().name(), e);
        }
        return reader;
    }

    /** The settings in force now. */
    @Override
    public CanaryState get() {
        return state.get();
    }

    private void run() {
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(ControlRecord.decode(record, values), record.offset());
                }
                if (caughtUp.getCount() > 0 && consumer.position(partition) >= end) {
                    log.info("canary settings in force: {}", state.get());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("the canary's control reader stopped; settings stay as they were: {}", state.get(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ControlRecord record, long offset) {
        Optional<String> problem = record.undecodable();
        if (problem.isEmpty()) {
            ControlRules.Outcome outcome = rules.apply(state.get(), record.key(), record.setting());
            problem = outcome.rejection();
            state.set(outcome.state());
        }
        if (problem.isPresent()) {
            // Every instance sees it; the decision-maker alone puts it in the dlq.
            log.info("control record at offset {} ignored: {}", offset, problem.get());
        } else if (caughtUp.getCount() == 0) {
            log.info("canary settings changed: {}", state.get());
        }
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.stop(consumer, thread);
    }
}
