package dev.dialectic.llm;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's whole answer to one prompt.
 *
 * @param text the answer
 * @param model the model that produced it, as the provider reports it
 * @param inputTokens prompt tokens consumed (the provider's count, or an estimate)
 * @param outputTokens tokens produced
 * @param firstTokenAt when the first token arrived, if any did
 */
public record Completion(String text, String model, int inputTokens, int outputTokens, Optional<Instant> firstTokenAt) {

    public Completion {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(firstTokenAt, "firstTokenAt");
    }
}
