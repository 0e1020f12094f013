package dev.dialectic.worker;

import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.ResultStatus;
import dev.dialectic.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the requests that the persona share groups archived unserved (Kafka 4.4's share-group dead-letter topic,
 * {@code Topics#personaDeadLetters()}) into {@code unserved} failed results on {@code persona.results}, so the
 * orchestrator asks again at once with a new attempt instead of waiting for the task's deadline.
 *
 * <p>A plain consumer group shared by every worker process: each archived request is forwarded at least once
 * (offsets are committed after the results are durable), and the orchestrator ignores an unserved result of an
 * attempt it already replaced. Records that are not decodable requests (a poison request the workers rejected
 * is archived too) are skipped: they are in the dlq already, with their reason.
 */
final class UnservedRequests implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UnservedRequests.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** Headers the broker puts on share-group dead letters (KIP-1191), as UTF-8 text. */
    private static final String DELIVERY_COUNT_HEADER = "__dlq.errors.delivery.count";
    private static final String MESSAGE_HEADER = "__dlq.errors.message";
    private static final String GROUP_HEADER = "__dlq.errors.group";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<PersonaRequest> requests;
    private final WorkerOutput output;
    private final String workerId;
    private final Clock clock;
    private volatile boolean closing;
    private Thread thread;

    UnservedRequests(Map<String, Object> clientConfig, Topic<String, PersonaRequest> deadLetters, String groupId,
            WorkerOutput output, String workerId) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-unserved-requests");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = deadLetters.name();
        this.requests = deadLetters.valueSerde().deserializer();
        this.output = output;
        this.workerId = workerId;
        this.clock = Clock.systemUTC();
    }

    /** Starts forwarding on a platform thread of its own. */
    void start() {
        thread = Thread.ofPlatform().name("unserved-requests").start(this);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic));
            while (!closing) {
                List<CompletableFuture<?>> sent = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    PersonaRequest request = decode(record);
                    if (request != null) {
                        log.info("task {} {} attempt {} was archived unserved by share group {} ({}); asking the"
                                + " orchestrator for a new attempt", request.getTaskId(), request.getStage(),
                                request.getAttempt(), header(record.headers(), GROUP_HEADER),
                                header(record.headers(), MESSAGE_HEADER));
                        sent.add(output.result(unserved(request, record.headers())));
                    }
                }
                if (!sent.isEmpty()) {
                    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            if (!closing) {
                throw e;
            }
        } catch (ExecutionException e) {
            log.error("could not forward unserved requests; they are forwarded again after a restart", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("forwarding unserved requests failed; they are forwarded again after a restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private PersonaRequest decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return record.value() == null ? null : requests.deserialize(record.topic(), record.headers(), record.value());
        } catch (SerializationException | IllegalArgumentException e) {
            log.debug("skipping an archived request that is not a decodable PersonaRequest: {}", e.getMessage());
            return null;
        }
    }

    private PersonaResult unserved(PersonaRequest request, Headers headers) {
        Instant now = clock.instant();
        String deliveries = header(headers, DELIVERY_COUNT_HEADER);
        return PersonaResult.newBuilder()
                .setTaskId(request.getTaskId())
                .setStage(request.getStage())
                .setPersona(request.getPersona())
                .setAttempt(request.getAttempt())
                .setStatus(ResultStatus.FAILED)
                .setUnserved(true)
                .setError("the request of attempt " + request.getAttempt() + " was archived unserved after "
                        + (deliveries == null ? "its" : deliveries) + " deliveries")
                .setWorkerId(workerId)
                .setStartedAt(now)
                .setFinishedAt(now)
                .setCallAttempts(0)
                .setDeliveryCount(deliveries == null ? 0 : parseOrZero(deliveries))
                .build();
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return null;
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int parseOrZero(String number) {
        try {
            return Integer.parseInt(number.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Stops forwarding and waits for the thread to end. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
