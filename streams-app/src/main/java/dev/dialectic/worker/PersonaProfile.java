package dev.dialectic.worker;

import dev.dialectic.llm.LlmProvider;
import java.util.Objects;

/**
 * Who answers a persona's requests, and how it is asked.
 *
 * @param persona persona name (its requests come from {@code persona.<name>})
 * @param provider the model behind it
 * @param model model name passed to the provider
 * @param systemPrompt the persona's instructions
 * @param maxTokens longest answer asked for
 * @param temperature sampling temperature
 * @param guard the model's limits and circuit breaker, shared by every persona calling the same model
 */
public record PersonaProfile(
        String persona, LlmProvider provider, String model, String systemPrompt, int maxTokens, double temperature,
        ModelGuard guard) {

    public PersonaProfile {
        Objects.requireNonNull(persona, "persona");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(guard, "guard");
    }
}
