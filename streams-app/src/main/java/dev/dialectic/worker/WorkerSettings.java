package dev.dialectic.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a persona worker runs its calls.
 *
 * @param workerId name of this worker process, written into every result
 * @param maxInFlight most model calls this worker runs at once for one persona; when reached it stops fetching
 * @param consumers share consumers per persona; each holds up to {@code maxInFlight / consumers} requests
 * @param callTimeout longest a single model call may take before it is cancelled and retried
 * @param retry how failed calls are retried before a failed result is published
 * @param tokenBatch how streamed tokens are batched onto the tokens topic
 */
public record WorkerSettings(
        String workerId,
        int maxInFlight,
        int consumers,
        Duration callTimeout,
        RetryPolicy retry,
        TokenBatching tokenBatch) {

    public WorkerSettings {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(tokenBatch, "tokenBatch");
        if (maxInFlight < 1 || consumers < 1 || consumers > maxInFlight) {
            throw new IllegalArgumentException(
                    "need 1 <= consumers <= maxInFlight, got consumers=" + consumers + ", maxInFlight=" + maxInFlight);
        }
    }

    /** Requests one share consumer may hold at once. */
    public int batchSize() {
        return Math.max(1, maxInFlight / consumers);
    }

    /** Defaults: 512 calls in flight over 64 consumers, 2 minute call timeout, default retries and batching. */
    public static WorkerSettings defaults(String workerId) {
        return new WorkerSettings(workerId, 512, 64, Duration.ofMinutes(2), RetryPolicy.defaults(),
                TokenBatching.defaults());
    }

    /**
     * How streamed tokens are grouped into {@code TokenChunk} records: a chunk is sent when it holds
     * {@code maxTokens} tokens or its first token is {@code maxDelay} old, and at the end of the call.
     *
     * @param enabled whether tokens are published at all
     * @param maxTokens tokens per chunk at most
     * @param maxDelay longest a token waits for its chunk
     */
    public record TokenBatching(boolean enabled, int maxTokens, Duration maxDelay) {
        public TokenBatching {
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be positive");
            }
        }

        public static TokenBatching defaults() {
            return new TokenBatching(true, 32, Duration.ofMillis(100));
        }
    }
}
