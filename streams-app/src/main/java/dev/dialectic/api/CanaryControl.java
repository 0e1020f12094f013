package dev.dialectic.api;

import dev.dialectic.canary.CanaryState;
import dev.dialectic.canary.ControlRules;
import dev.dialectic.canary.Setting;
import dev.dialectic.metrics.DialecticMetrics;
import dev.dialectic.schema.Control;
import dev.dialectic.topics.Topics;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The canary's live settings through the API: the state in force, as this process's reader of {@code control}
 * applied it, and changes, checked with the service's own {@link ControlRules} before they are written to
 * {@code control}, from which every instance applies them. Thread-safe.
 */
public final class CanaryControl implements AutoCloseable {

    private static final long WRITE_TIMEOUT_SECONDS = 10;

    private final String topic;
    private final Supplier<CanaryState> state;
    private final ControlRules rules;
    private final KafkaProducer<String, Control> producer;

    /**
     * @param state the settings in force (the orchestrator's reader of {@code control})
     * @param rules what the orchestrator accepts: its releases and the partition count of {@code tasks}
     */
    public CanaryControl(Topics topics, Supplier<CanaryState> state, ControlRules rules,
            Map<String, Object> clientConfig, DialecticMetrics metrics) {
        this.topic = topics.control().name();
        this.state = state;
        this.rules = rules;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, topics.prefix() + "api-control");
        this.producer = new KafkaProducer<>(config, topics.control().keySerde().serializer(),
                topics.control().valueSerde().serializer());
        metrics.bind(producer);
    }

    /** The settings in force. */
    CanaryState state() {
        return state.get();
    }

    /** Partitions of {@code tasks}: what a percent is taken of. */
    int partitionCount() {
        return rules.partitionCount();
    }

    /**
     * Sets {@code name} to {@code value}, for every instance.
     *
     * @return the setting written
     * @throws Problem.ProblemException a 400 naming the setting when the service would refuse it (an unknown
     *     setting or variant, a percent outside 0–100, ...), a 503 when it could not be written
     */
    Setting set(String name, String value, String by, String reason) {
        Setting setting = new Setting(name, value, Instant.now().truncatedTo(ChronoUnit.MILLIS), by, reason);
        rules.problem(name, setting).ifPresent(problem -> {
            throw Problem.badRequest(name, problem).exception();
        });
        try {
            producer.send(new ProducerRecord<>(topic, name, setting.toControl()))
                    .get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw Problem.unavailable("the setting could not be written to " + topic + " (" + e + "); try again")
                    .exception();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.unavailable("interrupted while writing the setting").exception();
        }
        return setting;
    }

    @Override
    public void close() {
        producer.close();
    }
}
