package dev.dialectic.canary.live;

import dev.dialectic.canary.CanaryDecisions;
import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.canary.ControlSettings;
import dev.dialectic.canary.LedgerWindow;
import dev.dialectic.canary.RollbackRule;
import dev.dialectic.canary.Setting;
import dev.dialectic.schema.Control;
import dev.dialectic.schema.TaskLedger;
import dev.dialectic.topics.ConsumerThreads;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary's decision-maker: one at a time across every orchestrator instance. Each instance joins the consumer
 * group {@code <prefix>canary.decider} on {@code control}, which has one partition, so the group's coordinator
 * gives it to exactly one member: that member decides. When it stops or dies, the coordinator gives the
 * partition to another member (after the session timeout for a crash), which resumes from the group's committed
 * offset: restart-safe without any state of its own.
 *
 * <p>The member that decides (1) puts every new control record that cannot be applied in the dlq with the reason
 * (the readers ignore it), and (2) every {@code canary.check.interval.ms} judges a live canary against baseline from
 * the ledger of the last {@code canary.window.ms} ({@link RollbackRule}), writing a rollback or the next ramp step
 * ({@link CanaryDecisions}). It reads the ledger only while it decides.
 */
public final class CanaryDecider implements AutoCloseable {

    /** How often a live canary is judged, unless configured otherwise. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
    /** Component name in the dlq headers of refused control records. */
    public static final String COMPONENT = "canary";
    private static final Logger log = LoggerFactory.getLogger(CanaryDecider.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a decision written waits to show in the settings in force before the canary is judged again. */
    private static final Duration DECISION_ECHO = Duration.ofSeconds(10);

    private final Topics topics;
    private final ControlRules rules;
    private final RollbackRule rule;
    private final Duration interval;
    private final Supplier<CanaryState> control;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> controlConsumer;
    private final KafkaConsumer<byte[], byte[]> ledgerConsumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Deserializer<Control> controls;
    private final Deserializer<TaskLedger> ledgers;
    private final Serializer<Control> controlWriter;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean deciding;
    private LedgerWindow window;
    private Instant nextCheck = Instant.EPOCH;
    private Setting awaited;

    private CanaryDecider(Map<String, Object> clientConfig, Topics topics, ControlRules rules, RollbackRule rule,
            Duration interval, Supplier<CanaryState> control, String instance) {
        this.topics = topics;
        this.rules = rules;
        this.rule = rule;
        this.interval = interval;
        this.control = control;
        this.clock = Clock.systemUTC();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        Map<String, Object> grouped = new HashMap<>(config);
        grouped.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(topics));
        grouped.put(ConsumerConfig.CLIENT_ID_CONFIG, instance + "-canary-decider");
        this.controlConsumer = new KafkaConsumer<>(grouped, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.ledgerConsumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-canary-decider");
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        this.controls = topics.control().valueSerde().deserializer();
        this.ledgers = topics.ledger().valueSerde().deserializer();
        this.controlWriter = topics.control().valueSerde().serializer();
        this.thread = Thread.ofPlatform().name("canary-decider").daemon().unstarted(this::run);
    }

    /**
     * Joins the decision-makers' group and starts deciding when this instance is given the partition.
     *
     * @param control the settings in force in this process (its {@link ControlReader})
     * @param instance names this instance's clients
     */
    public static CanaryDecider start(Map<String, Object> clientConfig, Topics topics, ControlRules rules,
            RollbackRule rule, Duration interval, Supplier<CanaryState> control, String instance) {
        CanaryDecider decider = new CanaryDecider(clientConfig, topics, rules, rule, interval, control, instance);
        decider.thread.start();
        return decider;
    }

    /** The consumer group whose single member with {@code control}'s partition decides. */
    public static String groupId(Topics topics) {
        return topics.prefix() + "canary.decider";
    }

    /** Whether this instance is the decision-maker now. */
    public boolean deciding() {
        return deciding;
    }

    private void run() {
        try {
            controlConsumer.subscribe(List.of(topics.control().name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.isEmpty()) {
                        deciding = true;
                        log.info("this instance is the canary's decision-maker now");
                    }
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    stopDeciding();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    stopDeciding();
                }
            });
            while (running) {
                ConsumerRecords<byte[], byte[]> records = controlConsumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    refuseIfBad(record);
                }
                if (!records.isEmpty()) {
                    producer.flush(); // the dlq has every refusal before the offsets move past it
                    controlConsumer.commitSync();
                }
                if (deciding) {
                    readLedger();
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // as control records keep it
                    if (!now.isBefore(nextCheck)) {
                        nextCheck = now.plus(interval);
                        decide(now);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("the canary's decision-maker stopped; another instance takes over when this one leaves", e);
        } finally {
            controlConsumer.close(Duration.ofSeconds(5));
            ledgerConsumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void stopDeciding() {
        if (deciding) {
            log.info("this instance is no longer the canary's decision-maker");
        }
        deciding = false;
        ledgerConsumer.unsubscribe();
        window = null;
    }

    /** Puts a record that cannot be applied in the dlq, untouched, with the reason. */
    private void refuseIfBad(ConsumerRecord<byte[], byte[]> record) {
        ControlRecord decoded = ControlRecord.decode(record, controls);
        Optional<String> problem = decoded.undecodable().or(() -> rules.problem(decoded.key(), decoded.setting()));
        if (problem.isEmpty()) {
            return;
        }
        log.warn("control record {}-{}@{} refused to the dlq: {}", record.topic(), record.partition(), record.offset(),
                problem.get());
        var headers = DeadLetters.headers(problem.get(), COMPONENT, record.topic(), record.partition(), record.offset(),
                clock.instant());
        record.headers().forEach(headers::add);
        producer.send(new ProducerRecord<>(topics.dlq().name(), null, record.timestamp(), record.key(), record.value(),
                headers));
    }

    /** Starts reading the ledger of the last window when this instance starts deciding, then what comes. */
    private void readLedger() {
        if (window == null) {
            window = new LedgerWindow(rule.window());
            List<TopicPartition> partitions = ledgerConsumer.partitionsFor(topics.ledger().name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            ledgerConsumer.assign(partitions);
            long since = clock.instant().minus(rule.window()).toEpochMilli();
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since));
            Map<TopicPartition, OffsetAndTimestamp> offsets = ledgerConsumer.offsetsForTimes(times);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp offset = offsets.get(partition);
                if (offset == null) {
                    ledgerConsumer.seekToEnd(List.of(partition));
                } else {
                    ledgerConsumer.seek(partition, offset.offset());
                }
            }
        }
        for (ConsumerRecord<byte[], byte[]> record : ledgerConsumer.poll(Duration.ZERO)) {
            if (record.value() == null) {
                continue;
            }
            try {
                window.add(ledgers.deserialize(record.topic(), record.headers(), record.value()));
            } catch (SerializationException | IllegalArgumentException e) {
                log.debug("ledger record {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
            }
        }
    }

    private void decide(Instant now) {
        CanaryState state = control.get();
        if (awaited != null) {
            boolean echoed = state.setting(awaited.name())
                    .filter(s -> !s.updatedAt().isBefore(awaited.updatedAt())).isPresent();
            if (!echoed && now.isBefore(awaited.updatedAt().plus(DECISION_ECHO))) {
                return; // not in force yet: judging now would decide the same again
            }
            awaited = null;
        }
        int partitions = rules.partitionCount();
        if (!state.live(partitions)) {
            return;
        }
        String variant = state.variant().orElseThrow();
        Instant since = state.startedAt().orElse(null);
        RollbackRule.Judgement judgement = rule.judge(window.figures(variant, since, now),
                window.figures(ControlSettings.BASELINE, since, now));
        for (Setting decision : CanaryDecisions.decide(state, judgement, partitions, now)) {
            log.warn("canary decision: {}", decision.describe());
            String topic = topics.control().name();
            producer.send(new ProducerRecord<>(topic, decision.name().getBytes(StandardCharsets.UTF_8),
                    controlWriter.serialize(topic, decision.toControl())));
            awaited = decision;
        }
        if (awaited != null) {
            producer.flush();
        }
    }

    @Override
    public void close() {
        running = false;
        ConsumerThreads.stop(controlConsumer, thread);
    }
}
