package dev.dialectic.worker;

import dev.dialectic.schema.PersonaResult;
import dev.dialectic.schema.TokenChunk;
import dev.dialectic.topics.DeadLetters;
import dev.dialectic.topics.Topics;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Everything a worker writes, through one idempotent producer shared by all its calls: results, token chunks
 * and dead letters. Values are serialized on the calling (virtual) thread, not on the producer's I/O thread.
 */
final class WorkerOutput {

    private final Producer<byte[], byte[]> producer;
    private final String resultsTopic;
    private final String tokensTopic;
    private final String dlqTopic;
    private final Serializer<String> keys;
    private final Serializer<PersonaResult> results;
    private final Serializer<TokenChunk> tokens;

    WorkerOutput(Producer<byte[], byte[]> producer, Topics topics) {
        this.producer = producer;
        this.resultsTopic = topics.personaResults().name();
        this.tokensTopic = topics.tokens().name();
        this.dlqTopic = topics.dlq().name();
        this.keys = topics.personaResults().keySerde().serializer();
        this.results = topics.personaResults().valueSerde().serializer();
        this.tokens = topics.tokens().valueSerde().serializer();
    }

    /** Sends {@code result}; completes once the broker has it durably (acks=all), or exceptionally. */
    CompletableFuture<RecordMetadata> result(PersonaResult result) {
        Headers headers = new RecordHeaders();
        return send(new ProducerRecord<>(resultsTopic, null, keys.serialize(resultsTopic, result.getTaskId()),
                results.serialize(resultsTopic, headers, result), headers));
    }

    /** Sends a chunk of streamed tokens; best effort, nobody waits for it. */
    void tokens(TokenChunk chunk) {
        Headers headers = new RecordHeaders();
        producer.send(new ProducerRecord<>(tokensTopic, null, keys.serialize(tokensTopic, chunk.getTaskId()),
                tokens.serialize(tokensTopic, headers, chunk), headers));
    }

    /** Sends the untouched {@code record} to the dlq with {@code reason}; completes once it is durable. */
    CompletableFuture<RecordMetadata> deadLetter(ConsumerRecord<byte[], byte[]> record, String component,
            String reason) {
        Headers headers = DeadLetters.headers(reason, component, record.topic(), record.partition(), record.offset(),
                Instant.now());
        record.headers().forEach(headers::add);
        return send(new ProducerRecord<>(dlqTopic, null, record.key(), record.value(), headers));
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    sent.completeExceptionally(error);
                } else {
                    sent.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }
}
