package dev.dialectic.worker;

import dev.dialectic.schema.PersonaRequest;
import dev.dialectic.schema.TokenChunk;
import java.time.Instant;

/**
 * Batches the tokens of one call attempt into {@link TokenChunk}s with gap-free sequence numbers. A chunk goes
 * out when it is full or its oldest token has waited long enough (checked as tokens arrive), and at the end.
 */
final class TokenPublisher implements ModelCall.AttemptTokens {

    private final WorkerOutput output;
    private final WorkerSettings.TokenBatching batching;
    private final PersonaRequest request;
    private final int callAttempt;
    private final StringBuilder pending = new StringBuilder();
    private int pendingTokens;
    private long pendingSince;
    private int seq;

    TokenPublisher(WorkerOutput output, WorkerSettings.TokenBatching batching, PersonaRequest request,
            int callAttempt) {
        this.output = output;
        this.batching = batching;
        this.request = request;
        this.callAttempt = callAttempt;
    }

    @Override
    public void onToken(String text) {
        if (!batching.enabled()) {
            return;
        }
        long now = System.nanoTime();
        if (pendingTokens == 0) {
            pendingSince = now;
        }
        pending.append(text);
        pendingTokens++;
        if (pendingTokens >= batching.maxTokens() || now - pendingSince >= batching.maxDelay().toNanos()) {
            flush(false);
        }
    }

    /** Sends what is pending as the last chunk of the call. */
    @Override
    public void finish() {
        if (batching.enabled()) {
            flush(true);
        }
    }

    private void flush(boolean last) {
        if (pendingTokens == 0 && !last) {
            return;
        }
        output.tokens(TokenChunk.newBuilder()
                .setTaskId(request.getTaskId())
                .setStage(request.getStage())
                .setAttempt(request.getAttempt())
                .setCallAttempt(callAttempt)
                .setSeq(seq++)
                .setText(pending.toString())
                .setLast(last)
                .setEmittedAt(Instant.now())
                .build());
        pending.setLength(0);
        pendingTokens = 0;
    }
}
