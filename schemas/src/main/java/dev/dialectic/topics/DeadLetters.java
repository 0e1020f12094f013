package dev.dialectic.topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers that every record on the {@code dlq} topic carries next to the original key and bytes.
 *
 * <p>A rejected record keeps its original key and value bytes untouched, so an operator can fix and replay
 * it; why it was rejected and where it came from travel in these headers.
 */
public final class DeadLetters {

    /** Why the record was rejected, one line, for humans. */
    public static final String REASON = "dialectic.dlq.reason";
    /** Which component rejected it: orchestrator, worker.&lt;persona&gt;, api, ... */
    public static final String COMPONENT = "dialectic.dlq.component";
    /** Topic the record was read from. */
    public static final String SOURCE_TOPIC = "dialectic.dlq.source.topic";
    /** Partition the record was read from. */
    public static final String SOURCE_PARTITION = "dialectic.dlq.source.partition";
    /** Offset the record was read from. */
    public static final String SOURCE_OFFSET = "dialectic.dlq.source.offset";
    /** When it was rejected, ISO-8601. */
    public static final String REJECTED_AT = "dialectic.dlq.rejected.at";

    private DeadLetters() {}

    /** Headers describing a rejection of the record at {@code sourceTopic}/{@code partition}/{@code offset}. */
    public static Headers headers(
            String reason, String component, String sourceTopic, int partition, long offset, Instant rejectedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, utf8(oneLine(reason)));
        headers.add(COMPONENT, utf8(component));
        headers.add(SOURCE_TOPIC, utf8(sourceTopic));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        headers.add(REJECTED_AT, utf8(rejectedAt.toString()));
        return headers;
    }

    /** The value of header {@code name}, if present, as text. */
    public static Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static String oneLine(String reason) {
        String flat = reason == null ? "unknown reason" : reason.replaceAll("\\s+", " ").strip();
        return flat.length() <= 1000 ? flat : flat.substring(0, 997) + "...";
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
